/* gh-ini.h — a format-preserving INI document (the AWS config and credentials files)
 *
 * Parse, edit, write back: everything not edited stays byte-identical (comments, blank lines,
 * spacing, key order, unknown sections and keys, continuation lines). Sections are addressed by
 * their header text as written between the brackets, with surrounding whitespace removed
 * (e.g. "sso-session my-sso", "profile dev", "default"). Keys compare case-insensitively, as
 * Python's configparser lower-cases them.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GH_TYPE_INI (gh_ini_get_type ())
G_DECLARE_FINAL_TYPE (GhIni, gh_ini, GH, INI, GObject)

GhIni     *gh_ini_new             (void);
gboolean   gh_ini_load_from_data  (GhIni       *self,
                                   const char  *data,
                                   gssize       length,
                                   GError     **error);
/* The same, keeping @data (@length bytes and a NUL after them; freed by the document). */
gboolean   gh_ini_load_take_data  (GhIni       *self,
                                   char        *data,
                                   gsize        length,
                                   GError     **error);
char      *gh_ini_to_data         (GhIni       *self,
                                   gsize       *length);

/* Header texts in file order (a header that appears twice is listed once). */
GStrv      gh_ini_get_sections    (GhIni       *self);
/* Header texts in file order, a header that appears twice listed twice: its n-th appearance
 * is its occurrence n (from 0) below. */
GStrv      gh_ini_get_headers     (GhIni       *self);
/* For each header of gh_ini_get_headers(), its occurrence: how many times its text appeared
 * before it (free with g_free()). */
guint     *gh_ini_header_occurrences (const char * const *headers);
gboolean   gh_ini_has_section     (GhIni       *self,
                                   const char  *section);
/* Keys of a section in file order, lower-cased (empty, not NULL, for a missing section).
 * Duplicate sections and keys merge as in configparser with strict=False: the last value wins. */
GStrv      gh_ini_get_keys        (GhIni       *self,
                                   const char  *section);
/* The value with surrounding whitespace removed; continuation lines (each stripped) joined
 * with '\n', exactly as configparser returns it: `s3 =\n    a = 1` gives "\na = 1" (the leading
 * '\n' is how botocore recognises a nested section). NULL when the section or key is absent. */
char      *gh_ini_get_value       (GhIni       *self,
                                   const char  *section,
                                   const char  *key);
/* gh_ini_get_keys() with gh_ini_get_value() of each key, in one look-up of the section (a
 * sync compares thousands of sections): @values gets the values in the keys' order (free both
 * with g_strfreev()). */
GStrv      gh_ini_get_entries     (GhIni       *self,
                                   const char  *section,
                                   GStrv       *values);
/* Replace the value in place (keeping the key's spelling and the spacing around the
 * delimiter), or add "key = value" after the last line of the section's last occurrence that
 * is not blank or a comment, indented so that no other line changes its meaning (an indented
 * header below stays a header); a missing section is appended at the end of the document. A
 * multi-line value's continuation lines are dropped. New lines use the document's line ending
 * and always end with one.
 * @value must not contain '\n' or '\r' (programmer error: callers validate). */
void       gh_ini_set_value       (GhIni       *self,
                                   const char  *section,
                                   const char  *key,
                                   const char  *value);
gboolean   gh_ini_remove_key      (GhIni       *self,
                                   const char  *section,
                                   const char  *key);
/* Add an empty section at the end, preceded by the given comment lines (each written as
 * "# line"; "\n", "\r\n" and a lone "\r" each end a line; "" is no line); no-op when the
 * section exists. A last line without a line ending gets one, and one blank line separates
 * the section from the text above unless the document is empty or already ends with a blank
 * line. */
void       gh_ini_add_section     (GhIni       *self,
                                   const char  *section,
                                   const char  *comment);
/* Remove the header, its lines and the comment lines directly above the header that belong
 * to it (no blank line between them and the header), for every occurrence of the section.
 * Comment lines directly above the next header stay with it; one blank line also goes when
 * two would meet or one would be left at the start or end of the document. A next header
 * indented deeper than the last key above it loses that extra indentation, so it does not
 * become part of that key's value. */
gboolean   gh_ini_remove_section  (GhIni       *self,
                                   const char  *section);
/* gh_ini_remove_section() for one occurrence of the header only; FALSE when there is none. */
gboolean   gh_ini_remove_section_occurrence (GhIni      *self,
                                             const char *section,
                                             guint       occurrence);
/* The comment line directly above that occurrence of the header, stripped of surrounding
 * whitespace (the '#' or ';' kept); NULL when the line above is not a comment. */
char      *gh_ini_get_header_comment        (GhIni      *self,
                                             const char *section,
                                             guint       occurrence);
/* The comment line directly above every header of the section, when it is the same line above
 * each (stripped as above); NULL when the section is absent or a header has no comment line,
 * or another one than the others, directly above it. */
char      *gh_ini_get_section_comment       (GhIni      *self,
                                             const char *section);

G_END_DECLS
