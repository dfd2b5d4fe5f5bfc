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
