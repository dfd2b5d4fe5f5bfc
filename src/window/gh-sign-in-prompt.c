/* gh-sign-in-prompt.c — what a device-code sign-in waits for: the code and where to enter it
 *
 * The link shows the verification page without its query (what a person types on another
 * device) and opens the whole URL, which fills the code in where the page supports it.
 */
#define G_LOG_DOMAIN "gh-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-sign-in-prompt.h"

struct _GhSignInPrompt
{
  AdwBin         parent_instance;

  char          *session_name;
  char          *url;
  char          *user_code;

  GtkLabel      *title_label;
  GtkLabel      *code_label;
  GtkLinkButton *link_button;
};

G_DEFINE_FINAL_TYPE (GhSignInPrompt, gh_sign_in_prompt, ADW_TYPE_BIN)

enum { PROP_0, PROP_SESSION_NAME, PROP_URL, PROP_USER_CODE, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* "https://device.example/?user_code=X" → "https://device.example/"; the URL itself when it
 * does not parse. */
static char *
typed_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL)
    return g_strdup (url);
  return g_uri_to_string_partial (uri, G_URI_HIDE_QUERY | G_URI_HIDE_FRAGMENT);
}

static void
copy_code_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GhSignInPrompt *self = GH_SIGN_IN_PROMPT (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->user_code);
}

static void
gh_sign_in_prompt_constructed (GObject *object)
{
  GhSignInPrompt *self = GH_SIGN_IN_PROMPT (object);
  g_autofree char *title = NULL;
  g_autofree char *shown_url = typed_url (self->url);
  g_autofree char *link_name = NULL;

  G_OBJECT_CLASS (gh_sign_in_prompt_parent_class)->constructed (object);

  /* TRANSLATORS: the heading of a device-code sign-in; %s is the sign-in's name */
  title = g_strdup_printf (_("Sign in to “%s” with a code"), self->session_name);
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->code_label, self->user_code);
  gtk_link_button_set_uri (self->link_button, self->url);
  gtk_button_set_label (GTK_BUTTON (self->link_button), shown_url);
  /* TRANSLATORS: the accessible name of the link to the sign-in page; %s is its address */
  link_name = g_strdup_printf (_("Open the sign-in page %s"), shown_url);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->link_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, link_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->code_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Sign-in code"), -1);
}

static void
gh_sign_in_prompt_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_SIGN_IN_PROMPT);
  G_OBJECT_CLASS (gh_sign_in_prompt_parent_class)->dispose (object);
}

static void
gh_sign_in_prompt_finalize (GObject *object)
{
  GhSignInPrompt *self = GH_SIGN_IN_PROMPT (object);

  g_free (self->session_name);
  g_free (self->url);
  g_free (self->user_code);
  G_OBJECT_CLASS (gh_sign_in_prompt_parent_class)->finalize (object);
}

static void
gh_sign_in_prompt_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  GhSignInPrompt *self = GH_SIGN_IN_PROMPT (object);

  switch (prop_id)
    {
    case PROP_SESSION_NAME:
      g_value_set_string (value, self->session_name);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_USER_CODE:
      g_value_set_string (value, self->user_code);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_sign_in_prompt_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  GhSignInPrompt *self = GH_SIGN_IN_PROMPT (object);

  switch (prop_id)
    {
    case PROP_SESSION_NAME:
      self->session_name = g_value_dup_string (value);
      break;
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    case PROP_USER_CODE:
      self->user_code = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_sign_in_prompt_class_init (GhSignInPromptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gh_sign_in_prompt_constructed;
  object_class->dispose = gh_sign_in_prompt_dispose;
  object_class->finalize = gh_sign_in_prompt_finalize;
  object_class->get_property = gh_sign_in_prompt_get_property;
  object_class->set_property = gh_sign_in_prompt_set_property;

  properties[PROP_SESSION_NAME] =
    g_param_spec_string ("session-name", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER_CODE] =
    g_param_spec_string ("user-code", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/gatehouse/Gatehouse/Window/"
                                               "gh-sign-in-prompt.ui");
  gtk_widget_class_bind_template_child (widget_class, GhSignInPrompt, title_label);
  gtk_widget_class_bind_template_child (widget_class, GhSignInPrompt, code_label);
  gtk_widget_class_bind_template_child (widget_class, GhSignInPrompt, link_button);
  gtk_widget_class_install_action (widget_class, "prompt.copy-code", NULL, copy_code_activated);
}

static void
gh_sign_in_prompt_init (GhSignInPrompt *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
gh_sign_in_prompt_new (const char *session_name,
                       const char *url,
                       const char *user_code)
{
  g_return_val_if_fail (session_name != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (user_code != NULL, NULL);

  return g_object_new (GH_TYPE_SIGN_IN_PROMPT,
                       "session-name", session_name,
                       "url", url,
                       "user-code", user_code,
                       NULL);
}

const char *
gh_sign_in_prompt_get_session_name (GhSignInPrompt *self)
{
  g_return_val_if_fail (GH_IS_SIGN_IN_PROMPT (self), NULL);
  return self->session_name;
}

const char *
gh_sign_in_prompt_get_url (GhSignInPrompt *self)
{
  g_return_val_if_fail (GH_IS_SIGN_IN_PROMPT (self), NULL);
  return self->url;
}

const char *
gh_sign_in_prompt_get_user_code (GhSignInPrompt *self)
{
  g_return_val_if_fail (GH_IS_SIGN_IN_PROMPT (self), NULL);
  return self->user_code;
}
