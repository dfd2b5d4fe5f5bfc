/* gh-role-slot.c — one row position of the role picker's results */
#include "config.h"

#include "gh-role-slot.h"

struct _GhRoleSlot
{
  GObject  parent_instance;
  GhRole  *role;
};

G_DEFINE_FINAL_TYPE (GhRoleSlot, gh_role_slot, G_TYPE_OBJECT)

enum { PROP_0, PROP_ROLE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
gh_role_slot_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  GhRoleSlot *self = GH_ROLE_SLOT (object);

  switch (prop_id)
    {
    case PROP_ROLE:
      g_value_set_object (value, self->role);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_role_slot_dispose (GObject *object)
{
  GhRoleSlot *self = GH_ROLE_SLOT (object);

  g_clear_object (&self->role);
  G_OBJECT_CLASS (gh_role_slot_parent_class)->dispose (object);
}

static void
gh_role_slot_class_init (GhRoleSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = gh_role_slot_get_property;
  object_class->dispose = gh_role_slot_dispose;

  properties[PROP_ROLE] =
    g_param_spec_object ("role", NULL, NULL, GH_TYPE_ROLE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gh_role_slot_init (GhRoleSlot *self)
{
}

GhRoleSlot *
gh_role_slot_new (GhRole *role)
{
  GhRoleSlot *self = g_object_new (GH_TYPE_ROLE_SLOT, NULL);

  self->role = g_object_ref (role);
  return self;
}

GhRole *
gh_role_slot_get_role (GhRoleSlot *self)
{
  g_return_val_if_fail (GH_IS_ROLE_SLOT (self), NULL);

  return self->role;
}

void
gh_role_slot_set_role (GhRoleSlot *self,
                       GhRole     *role)
{
  g_return_if_fail (GH_IS_ROLE_SLOT (self));
  g_return_if_fail (GH_IS_ROLE (role));

  if (g_set_object (&self->role, role))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}
