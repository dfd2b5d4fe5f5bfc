/* gh-file-util.h — atomic private files and where Gatehouse keeps them (locks: gh-lock.h) */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char     *gh_file_resolve_symlinks   (const char  *path);
gboolean  gh_file_write_private      (const char  *path,
                                      const char  *contents,
                                      gssize       length,
                                      GError     **error);
char     *gh_runtime_dir             (void);
char     *gh_sha1_hex                (const char  *text);
/* $@env_variable (with $VARS and ~ expanded, like the AWS CLI), else ~/.aws/@default_name */
char     *gh_aws_file_path           (const char  *env_variable,
                                      const char  *default_name);

G_END_DECLS
