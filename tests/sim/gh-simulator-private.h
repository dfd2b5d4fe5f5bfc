/* gh-simulator-private.h — what the files of the simulator share
 *
 * gh-simulator.c holds the object, its records, the dispatch of requests and the public API;
 * each of the other gh-sim-*.c files serves one part of the protocol (docs/aws-protocols.md) or
 * the control API.
 */
#pragma once

#include <string.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "gh-simulator.h"

G_BEGIN_DECLS

#define OIDC_ERROR_SUFFIX   ":http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
#define PORTAL_ERROR_SUFFIX ":http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"
#define PORTAL_TYPE_PREFIX  "com.amazonaws.switchboard.portal#"

#define GRANT_DEVICE_CODE   "urn:ietf:params:oauth:grant-type:device_code"
#define GRANT_AUTH_CODE     "authorization_code"
#define GRANT_REFRESH_TOKEN "refresh_token"
#define SCOPE_ACCOUNT_ACCESS "sso:account:access"

#define AUTH_CODE_LIFETIME_S    (10 * 60)
#define SIGNIN_TOKEN_LIFETIME_S (15 * 60)

#define FIRST_ACCOUNT_ID G_GUINT64_CONSTANT (100000000000)

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

typedef enum
{
  API_OIDC,
  API_PORTAL,
  API_FEDERATION,
  API_BROWSER,
} ApiKind;

typedef struct
{
  char    *client_id;
  char    *client_secret;
  GStrv    scopes;
  GStrv    redirect_uris;
  GStrv    grant_types;
  gint64   expires_at;
  gboolean revoked;
} Client;

typedef enum
{
  DEVICE_PENDING,
  DEVICE_APPROVED,
  DEVICE_DENIED,
  DEVICE_USED,
} DeviceState;

typedef struct
{
  char        *device_code;
  char        *user_code;
  char        *client_id;
  gint64       expires_at;
  gint64       last_poll;
  guint64      serial;
  DeviceState  state;
} DeviceAuth;

typedef struct
{
  SoupServerMessage *msg;
  char              *client_id;
  char              *redirect_uri;
  char              *state;
  char              *code_challenge;
} PendingAuthorize;

typedef struct
{
  char     *client_id;
  char     *redirect_uri;
  char     *code_challenge;
  gint64    expires_at;
  gboolean  used;
} AuthCode;

typedef struct
{
  gint64   end;
  gboolean logged_out;
} SignInSession;

typedef struct
{
  SignInSession *session;
  char          *client_id;
  gint64         expires_at;
  gboolean       expired;
} AccessToken;

typedef struct
{
  SignInSession *session;
  char          *client_id;
  gboolean       valid;
} RefreshToken;

typedef struct
{
  char   *secret_access_key;
  char   *session_token;
  char   *account_id;
  char   *role_name;
  gint64  expires_at;
} RoleCredentials;

typedef struct
{
  char     *account_id;
  char     *role_name;
  gint64    expires_at;
  gboolean  used;
} SigninToken;

typedef struct
{
  GhSimFault fault;
  guint      count;
} Fault;

typedef struct
{
  GhSimulator       *self;
  SoupServerMessage *msg;
  guint              source_id;
} Delayed;

struct _GhSimulator
{
  GObject      parent_instance;

  SoupServer  *server;
  char        *url;

  GHashTable  *clients;          /* client_id → Client */
  GHashTable  *device_auths;     /* device_code → DeviceAuth */
  GHashTable  *auth_codes;       /* code → AuthCode */
  GHashTable  *access_tokens;    /* token → AccessToken */
  GHashTable  *refresh_tokens;   /* token → RefreshToken */
  GHashTable  *role_credentials; /* access key id → RoleCredentials */
  GHashTable  *signin_tokens;    /* token → SigninToken */
  GHashTable  *faults;           /* operation → GQueue of Fault, applied in order */
  GHashTable  *request_counts;   /* operation → GUINT_TO_POINTER (n) */
  guint        throttled;        /* 429 TooManyRequestsException replies, all operations */
  GHashTable  *delayed;          /* SoupServerMessage → Delayed */
  GPtrArray   *sessions;         /* SignInSession, referenced by the tokens */
  GPtrArray   *pending_authorizes;
  GPtrArray   *hung;             /* SoupServerMessage */
  GPtrArray   *console_logins;
  char        *last_console_destination;
  char        *last_registration_request;
  guint64      device_serial;

  double       bucket_tokens;
  gint64       bucket_time;

  guint        accounts;
  guint        roles_per_account;
  guint        nameless_accounts;
  GStrv        role_names;
  guint        page_size;
  guint        latency_ms;
  guint        token_latency_ms;
  guint        rate_limit;
  gint64       access_token_lifetime;
  gint64       session_lifetime;
  gint64       role_credential_lifetime;
  gint64       registration_lifetime;
  gint64       device_code_lifetime;
  gint64       clock_offset;
  int          device_interval;
  gboolean     rotate_refresh_tokens;
  gboolean     auto_approve;
  gboolean     reject_session_duration;
};

/* A request handler: responds to msg, or holds it (returns TRUE) to respond later. */
typedef gboolean (*GhSimHandler) (GhSimulator       *self,
                                  SoupServerMessage *msg,
                                  GHashTable        *query);

/* Records, helpers and held messages (gh-simulator.c) */
void      _gh_sim_pending_authorize_free (PendingAuthorize *pending);
gint64    _gh_sim_now                    (GhSimulator *self);
gint64    _gh_sim_seconds_to_us          (gint64 seconds);
char     *_gh_sim_random_string          (const char *prefix,
                                          const char *alphabet,
                                          guint       length);
char     *_gh_sim_random_token           (const char *prefix,
                                          guint       length);
gboolean  _gh_sim_strv_contains_nullable (GStrv       strv,
                                          const char *str);
char     *_gh_sim_account_id_for_index   (guint n);
char     *_gh_sim_role_name_for_index    (GhSimulator *self,
                                          guint        j);
guint     _gh_sim_find_account           (GhSimulator *self,
                                          const char  *account_id);
gboolean  _gh_sim_role_exists            (GhSimulator *self,
                                          const char  *role_name);
char     *_gh_sim_s256_challenge         (const char *verifier);
char     *_gh_sim_append_query           (const char *uri,
                                          const char *query);
void      _gh_sim_resolve_authorize      (GhSimulator      *self,
                                          PendingAuthorize *pending,
                                          gboolean          approve);

/* Responses: JSON bodies and the services' error encodings (gh-sim-responses.c) */
void _gh_sim_respond_builder  (SoupServerMessage *msg,
                               guint              status,
                               JsonBuilder       *builder);
void _gh_sim_respond_text     (SoupServerMessage *msg,
                               guint              status,
                               const char        *content_type,
                               const char        *text);
void _gh_sim_respond_html     (SoupServerMessage *msg,
                               guint              status,
                               const char        *title,
                               const char        *body_html);
void _gh_sim_oidc_error       (SoupServerMessage *msg,
                               guint              status,
                               const char        *exception,
                               const char        *error,
                               const char        *description);
void _gh_sim_invalid_request  (SoupServerMessage *msg,
                               const char        *description);
void _gh_sim_invalid_grant    (SoupServerMessage *msg,
                               const char        *description);
void _gh_sim_portal_error     (SoupServerMessage *msg,
                               guint              status,
                               const char        *exception,
                               const char        *message);
void _gh_sim_federation_error (SoupServerMessage *msg,
                               const char        *detail);

/* OIDC: client registration, device authorization, tokens (gh-sim-oidc.c) */
gboolean _gh_sim_client_allows_grant               (Client     *client,
                                                    const char *grant_type);
gboolean _gh_sim_redirect_uri_matches              (const char *registered_str,
                                                    const char *requested_str);
gboolean _gh_sim_handle_register_client            (GhSimulator       *self,
                                                    SoupServerMessage *msg,
                                                    GHashTable        *query);
gboolean _gh_sim_handle_start_device_authorization (GhSimulator       *self,
                                                    SoupServerMessage *msg,
                                                    GHashTable        *query);
gboolean _gh_sim_handle_create_token               (GhSimulator       *self,
                                                    SoupServerMessage *msg,
                                                    GHashTable        *query);

/* Browser pages: /authorize, /device, the portal page (gh-sim-pages.c) */
gboolean _gh_sim_handle_authorize   (GhSimulator       *self,
                                     SoupServerMessage *msg,
                                     GHashTable        *query);
gboolean _gh_sim_handle_device_page (GhSimulator       *self,
                                     SoupServerMessage *msg,
                                     GHashTable        *query);
gboolean _gh_sim_handle_portal_page (GhSimulator       *self,
                                     SoupServerMessage *msg,
                                     GHashTable        *query);

/* Portal: accounts, roles, role credentials, sign-out (gh-sim-portal.c) */
gboolean _gh_sim_handle_list_accounts        (GhSimulator       *self,
                                              SoupServerMessage *msg,
                                              GHashTable        *query);
gboolean _gh_sim_handle_list_account_roles   (GhSimulator       *self,
                                              SoupServerMessage *msg,
                                              GHashTable        *query);
gboolean _gh_sim_handle_get_role_credentials (GhSimulator       *self,
                                              SoupServerMessage *msg,
                                              GHashTable        *query);
gboolean _gh_sim_handle_logout               (GhSimulator       *self,
                                              SoupServerMessage *msg,
                                              GHashTable        *query);

/* Sign-in federation: sign-in tokens, console login and logout (gh-sim-federation.c) */
gboolean _gh_sim_handle_get_signin_token   (GhSimulator       *self,
                                            SoupServerMessage *msg,
                                            GHashTable        *query);
gboolean _gh_sim_handle_login              (GhSimulator       *self,
                                            SoupServerMessage *msg,
                                            GHashTable        *query);
gboolean _gh_sim_handle_console_logout     (GhSimulator       *self,
                                            SoupServerMessage *msg,
                                            GHashTable        *query);
gboolean _gh_sim_handle_oauth_unknown      (GhSimulator       *self,
                                            SoupServerMessage *msg,
                                            GHashTable        *query);
gboolean _gh_sim_handle_federation_unknown (GhSimulator       *self,
                                            SoupServerMessage *msg,
                                            GHashTable        *query);

/* Control API under /_sim/ (gh-sim-control.c) */
void _gh_sim_handle_control (GhSimulator       *self,
                             SoupServerMessage *msg,
                             const char        *path,
                             GHashTable        *query);

G_END_DECLS
