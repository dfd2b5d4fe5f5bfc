/* gh-role.c — one role (permission set) in one account, as the portal lists it */
#define G_LOG_DOMAIN "gh-role"

#include "config.h"

#include <string.h>

#include "gh-role.h"

struct _GhRole
{
  GObject  parent_instance;
  char    *session_name;
  char    *account_id;
  char    *account_name;
  char    *account_email;
  char    *role_name;
  char    *key;
  /* Collation keys, made on the first comparison: sorting thousands of roles with
   * g_utf8_collate would normalise every string again on every comparison. */
  char    *account_sort_key;
  char    *role_sort_key;
};

G_DEFINE_FINAL_TYPE (GhRole, gh_role, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION_NAME,
  PROP_ACCOUNT_ID,
  PROP_ACCOUNT_NAME,
  PROP_ACCOUNT_EMAIL,
  PROP_ROLE_NAME,
  PROP_KEY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_key (GhRole *self)
{
  g_free (self->key);
  self->key = g_strconcat (self->account_id ? self->account_id : "", "/",
                           self->role_name ? self->role_name : "", NULL);
}

static void
gh_role_constructed (GObject *object)
{
  G_OBJECT_CLASS (gh_role_parent_class)->constructed (object);

  set_key (GH_ROLE (object));
}

static void
gh_role_finalize (GObject *object)
{
  GhRole *self = GH_ROLE (object);

  g_clear_pointer (&self->session_name, g_free);
  g_clear_pointer (&self->account_id, g_free);
  g_clear_pointer (&self->account_name, g_free);
  g_clear_pointer (&self->account_email, g_free);
  g_clear_pointer (&self->role_name, g_free);
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->account_sort_key, g_free);
  g_clear_pointer (&self->role_sort_key, g_free);

  G_OBJECT_CLASS (gh_role_parent_class)->finalize (object);
}

static void
gh_role_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  GhRole *self = GH_ROLE (object);

  switch (prop_id)
    {
    case PROP_SESSION_NAME:
      g_value_set_string (value, self->session_name);
      break;
    case PROP_ACCOUNT_ID:
      g_value_set_string (value, self->account_id);
      break;
    case PROP_ACCOUNT_NAME:
      g_value_set_string (value, self->account_name);
      break;
    case PROP_ACCOUNT_EMAIL:
      g_value_set_string (value, self->account_email);
      break;
    case PROP_ROLE_NAME:
      g_value_set_string (value, self->role_name);
      break;
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* An empty name or email is as good as none: callers test for NULL. */
static char *
dup_nonempty (const GValue *value)
{
  const char *text = g_value_get_string (value);

  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

static void
gh_role_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  GhRole *self = GH_ROLE (object);

  switch (prop_id)
    {
    case PROP_SESSION_NAME:
      self->session_name = g_value_dup_string (value);
      break;
    case PROP_ACCOUNT_ID:
      self->account_id = g_value_dup_string (value);
      break;
    case PROP_ACCOUNT_NAME:
      self->account_name = dup_nonempty (value);
      break;
    case PROP_ACCOUNT_EMAIL:
      self->account_email = dup_nonempty (value);
      break;
    case PROP_ROLE_NAME:
      self->role_name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The role cache makes thousands of roles at a time: their fields are set here rather than as
 * construct properties, which cost a name lookup and a GValue each (half the time of reading
 * the cache's roles). Same values as the properties would give. */
static GhRole *
new_with_fields (const char *session_name,
                 const char *account_id,
                 const char *account_name,
                 const char *account_email,
                 const char *role_name)
{
  GhRole *self = g_object_new (GH_TYPE_ROLE, NULL);

  g_assert (self->session_name == NULL && self->account_id == NULL &&
            self->account_name == NULL && self->account_email == NULL &&
            self->role_name == NULL);
  self->session_name = g_strdup (session_name);
  self->account_id = g_strdup (account_id);
  self->account_name = account_name != NULL && *account_name != '\0'
                       ? g_strdup (account_name) : NULL;
  self->account_email = account_email != NULL && *account_email != '\0'
                        ? g_strdup (account_email) : NULL;
  self->role_name = g_strdup (role_name);
  set_key (self);
  return self;
}

static void
gh_role_class_init (GhRoleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = gh_role_constructed;
  object_class->finalize = gh_role_finalize;
  object_class->get_property = gh_role_get_property;
  object_class->set_property = gh_role_set_property;

  properties[PROP_SESSION_NAME] =
    g_param_spec_string ("session-name", NULL, NULL, NULL, flags);
  properties[PROP_ACCOUNT_ID] =
    g_param_spec_string ("account-id", NULL, NULL, NULL, flags);
  properties[PROP_ACCOUNT_NAME] =
    g_param_spec_string ("account-name", NULL, NULL, NULL, flags);
  properties[PROP_ACCOUNT_EMAIL] =
    g_param_spec_string ("account-email", NULL, NULL, NULL, flags);
  properties[PROP_ROLE_NAME] =
    g_param_spec_string ("role-name", NULL, NULL, NULL, flags);
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gh_role_init (GhRole *self)
{
}

GhRole *
gh_role_new (const char *session_name,
             const char *account_id,
             const char *account_name,
             const char *account_email,
             const char *role_name)
{
  g_return_val_if_fail (account_id != NULL, NULL);
  g_return_val_if_fail (role_name != NULL, NULL);

  return new_with_fields (session_name, account_id, account_name, account_email, role_name);
}

const char *
gh_role_get_session_name (GhRole *self)
{
  g_return_val_if_fail (GH_IS_ROLE (self), NULL);
  return self->session_name;
}

const char *
gh_role_get_account_id (GhRole *self)
{
  g_return_val_if_fail (GH_IS_ROLE (self), NULL);
  return self->account_id;
}

const char *
gh_role_get_account_name (GhRole *self)
{
  g_return_val_if_fail (GH_IS_ROLE (self), NULL);
  return self->account_name;
}

const char *
gh_role_get_account_email (GhRole *self)
{
  g_return_val_if_fail (GH_IS_ROLE (self), NULL);
  return self->account_email;
}

const char *
gh_role_get_role_name (GhRole *self)
{
  g_return_val_if_fail (GH_IS_ROLE (self), NULL);
  return self->role_name;
}

const char *
gh_role_get_key (GhRole *self)
{
  g_return_val_if_fail (GH_IS_ROLE (self), NULL);
  return self->key;
}

static void
ensure_sort_keys (GhRole *self)
{
  if (self->account_sort_key == NULL)
    {
      const char *label = self->account_name ? self->account_name : self->account_id;
      g_autofree char *folded = g_utf8_casefold (label, -1);

      self->account_sort_key = g_utf8_collate_key (folded, -1);
    }
  if (self->role_sort_key == NULL)
    {
      g_autofree char *folded = g_utf8_casefold (self->role_name, -1);

      self->role_sort_key = g_utf8_collate_key (folded, -1);
    }
}

/* Account name (or id when nameless), then role name, case-insensitively in the current
 * locale; ties broken by account id and exact role name so the order is total. */
int
gh_role_compare (gconstpointer a,
                 gconstpointer b)
{
  GhRole *ra = *(GhRole * const *) a;
  GhRole *rb = *(GhRole * const *) b;
  int cmp;

  if (ra == rb)
    return 0;

  ensure_sort_keys (ra);
  ensure_sort_keys (rb);

  if ((cmp = strcmp (ra->account_sort_key, rb->account_sort_key)) != 0)
    return cmp;
  if ((cmp = strcmp (ra->account_id, rb->account_id)) != 0)
    return cmp;
  if ((cmp = strcmp (ra->role_sort_key, rb->role_sort_key)) != 0)
    return cmp;
  return strcmp (ra->role_name, rb->role_name);
}

GPtrArray *
gh_role_array_copy (GPtrArray *roles)
{
  GPtrArray *copy;

  if (roles == NULL)
    return NULL;

  copy = g_ptr_array_new_full (roles->len, g_object_unref);
  for (guint i = 0; i < roles->len; i++)
    g_ptr_array_add (copy, g_object_ref (g_ptr_array_index (roles, i)));
  return copy;
}
