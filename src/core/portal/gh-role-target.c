/* gh-role-target.c — "SESSION/ACCOUNT_ID/ROLE": one role across all sign-ins */
#define G_LOG_DOMAIN "gh-role-target"

#include "config.h"

#include <string.h>

#include "gh-role-target.h"

char *
gh_role_target_build (const char *session_name,
                      const char *account_id,
                      const char *role_name)
{
  g_return_val_if_fail (session_name != NULL, NULL);
  g_return_val_if_fail (account_id != NULL, NULL);
  g_return_val_if_fail (role_name != NULL, NULL);

  return g_strdup_printf ("%s/%s/%s", session_name, account_id, role_name);
}

gboolean
gh_role_target_parse (const char  *target,
                      char       **session_name,
                      char       **account_id,
                      char       **role_name)
{
  const char *role;
  const char *account;

  g_return_val_if_fail (target != NULL, FALSE);
  g_return_val_if_fail (session_name != NULL && account_id != NULL && role_name != NULL, FALSE);

  role = strrchr (target, '/');
  if (role == NULL || role == target || role[1] == '\0')
    return FALSE;
  for (account = role - 1; account > target && *account != '/'; account--)
    ;
  if (account == target || account + 1 == role)
    return FALSE;

  *session_name = g_strndup (target, account - target);
  *account_id = g_strndup (account + 1, role - account - 1);
  *role_name = g_strdup (role + 1);
  return TRUE;
}

GStrv
gh_role_target_keys_of_session (const char * const *targets,
                                const char         *session_name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (session_name != NULL, NULL);

  for (guint i = 0; targets != NULL && targets[i] != NULL; i++)
    {
      g_autofree char *session = NULL;
      g_autofree char *account_id = NULL;
      g_autofree char *role = NULL;
      g_autofree char *key = NULL;

      /* A session named "a" must not take the targets of one named "a/b". */
      if (!gh_role_target_parse (targets[i], &session, &account_id, &role) ||
          !g_str_equal (session, session_name))
        continue;
      key = g_strconcat (account_id, "/", role, NULL);
      g_strv_builder_add (builder, key);
    }

  return g_strv_builder_end (builder);
}

gboolean
gh_account_id_is_valid (const char *account_id)
{
  if (account_id == NULL || strlen (account_id) != 12)
    return FALSE;

  for (const char *p = account_id; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return TRUE;
}
