/* gh-profile-marker.c — the comment that marks a config-file profile as Gatehouse's
 *
 * The sign-in name sits between double quotes, with '"' and '\' escaped by a backslash, so any
 * name reads back. Only the text up to the closing parenthesis is checked when reading: the
 * explanation after it is for people and may be reworded.
 */
#define G_LOG_DOMAIN "gh-profile-marker"

#include "config.h"

#include <string.h>

#include "gh-profile-marker.h"

#define MARKER_PREFIX "Managed by Gatehouse (sign-in \""
#define MARKER_SUFFIX "): changes here are overwritten by gatehouse sync"
#define ADDED_PREFIX "Added by gatehouse profile add (sign-in \""
#define ADDED_SUFFIX "): gatehouse sync leaves it alone"

#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\v' || (c) == '\f' || (c) == '\r' || \
                     (c) == '\n')

static char *
marker_new (const char *prefix,
            const char *session_name,
            const char *suffix)
{
  GString *out = g_string_new (prefix);

  for (const char *p = session_name; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  g_string_append (out, suffix);

  return g_string_free (out, FALSE);
}

char *
gh_profile_marker_for_session (const char *session_name)
{
  g_return_val_if_fail (session_name != NULL, NULL);

  return marker_new (MARKER_PREFIX, session_name, MARKER_SUFFIX);
}

char *
gh_profile_marker_for_added (const char *session_name)
{
  g_return_val_if_fail (session_name != NULL, NULL);

  return marker_new (ADDED_PREFIX, session_name, ADDED_SUFFIX);
}

/* Where the marker text starts in @comment_line: after the '#' and the blanks after it */
static const char *
skip_comment_start (const char *comment_line)
{
  const char *p = comment_line;

  while (IS_SPACE (*p))
    p++;
  if (*p != '#')
    return NULL;
  p++;
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

static char *
parse_marker (const char *comment_line,
              const char *prefix)
{
  g_autoptr(GString) session = NULL;
  const char *p;

  if (comment_line == NULL || (p = skip_comment_start (comment_line)) == NULL ||
      !g_str_has_prefix (p, prefix))
    return NULL;
  p += strlen (prefix);

  session = g_string_new (NULL);
  for (; *p != '"'; p++)
    {
      if (*p == '\0')
        return NULL;
      if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
        p++;
      g_string_append_c (session, *p);
    }
  if (p[1] != ')' || session->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&session), FALSE);
}

char *
gh_profile_marker_parse (const char *comment_line)
{
  return parse_marker (comment_line, MARKER_PREFIX);
}

char *
gh_profile_marker_parse_added (const char *comment_line)
{
  return parse_marker (comment_line, ADDED_PREFIX);
}

char *
gh_profile_marker_get_owner (GhIni      *ini,
                             const char *section,
                             guint       occurrence)
{
  g_autofree char *comment = NULL;

  g_return_val_if_fail (GH_IS_INI (ini), NULL);
  g_return_val_if_fail (section != NULL, NULL);

  comment = gh_ini_get_header_comment (ini, section, occurrence);
  return gh_profile_marker_parse (comment);
}

char *
gh_profile_marker_get_section_owner (GhIni      *ini,
                                     const char *section)
{
  g_autofree char *comment = NULL;

  g_return_val_if_fail (GH_IS_INI (ini), NULL);
  g_return_val_if_fail (section != NULL, NULL);

  comment = gh_ini_get_section_comment (ini, section);
  return gh_profile_marker_parse (comment);
}
