/* gh-container-url.c — Firefox container URLs (docs/aws-protocols.md §6)
 *
 * Granted builds its URL without escaping the name, but the extension decodes it with
 * URLSearchParams, so the name is escaped here too: a name holding "&" or "=" would otherwise
 * cut the URL short.
 */
#define G_LOG_DOMAIN "gh-container-url"

#include "config.h"

#include "gh-container-url.h"

/* The values both extensions accept (docs/aws-protocols.md §6). */
static const char * const container_colors[] = {
  "blue", "turquoise", "green", "yellow", "orange", "red", "pink", "purple",
};
static const char * const container_icons[] = {
  "fingerprint", "briefcase", "dollar", "cart", "circle", "gift",
  "vacation", "food", "fruit", "pet", "tree", "chill",
};

static gboolean
in_list (const char         *value,
         const char * const *list,
         guint               n)
{
  for (guint i = 0; value != NULL && i < n; i++)
    if (g_str_equal (value, list[i]))
      return TRUE;
  return FALSE;
}

gboolean
gh_container_color_is_valid (const char *color)
{
  return in_list (color, container_colors, G_N_ELEMENTS (container_colors));
}

gboolean
gh_container_icon_is_valid (const char *icon)
{
  return in_list (icon, container_icons, G_N_ELEMENTS (container_icons));
}

/* 32-bit FNV-1a over the name's bytes: fixed by its definition, unlike g_str_hash(), so a
 * container keeps its colour and icon across versions. colour = h mod 8, icon = (h / 8) mod 12. */
static guint32
container_hash (const char *name)
{
  guint32 h = 2166136261u;

  for (const char *p = name; *p != '\0'; p++)
    {
      h ^= (guchar) *p;
      h *= 16777619u;
    }
  return h;
}

const char *
gh_container_color_for_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return container_colors[container_hash (name) % G_N_ELEMENTS (container_colors)];
}

const char *
gh_container_icon_for_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return container_icons[(container_hash (name) / G_N_ELEMENTS (container_colors)) %
                         G_N_ELEMENTS (container_icons)];
}

char *
gh_container_url_full (GhContainerKind  kind,
                       const char      *name,
                       const char      *url,
                       const char      *color,
                       const char      *icon)
{
  g_autofree char *name_e = NULL;
  g_autofree char *url_e = NULL;
  const char *scheme;

  g_return_val_if_fail (kind == GH_CONTAINER_GRANTED || kind == GH_CONTAINER_OPEN_URL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  if (!gh_container_color_is_valid (color))
    color = gh_container_color_for_name (name);
  if (!gh_container_icon_is_valid (icon))
    icon = gh_container_icon_for_name (name);

  scheme = kind == GH_CONTAINER_GRANTED ? "ext+granted-containers" : "ext+container";
  name_e = g_uri_escape_string (name, NULL, FALSE);
  url_e = g_uri_escape_string (url, NULL, FALSE);

  return g_strdup_printf ("%s:name=%s&url=%s&color=%s&icon=%s", scheme, name_e, url_e,
                          color, icon);
}

char *
gh_container_url (GhContainerKind  kind,
                  const char      *name,
                  const char      *url)
{
  return gh_container_url_full (kind, name, url, NULL, NULL);
}
