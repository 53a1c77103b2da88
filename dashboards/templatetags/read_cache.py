"""`{% cached key %}…{% endcached %}`: a piece of a page kept in the read cache under `key`.

The key comes from a selector (dashboards/cache.py), so it already holds the data generation,
the day, the viewer's private objectives, their time zone and language: the piece is drawn again
whenever any of those changes. With no key (nothing may be cached) or a failing cache server the
piece is simply drawn. Unlike Django's `{% cache %}`, the key is exact, not a name plus values.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

from dashboards.cache import load, store

register = template.Library()


class CachedNode(template.Node):
    def __init__(self, nodelist: template.NodeList, key: template.base.FilterExpression) -> None:
        self.nodelist = nodelist
        self.key = key

    def render(self, context: template.Context) -> SafeString:
        key = self.key.resolve(context, ignore_failures=True) or None
        found = load(key)
        if found is not None:
            return mark_safe(found)  # noqa: S308 - our own rendered template output
        html = self.nodelist.render(context)
        store(key, str(html))
        return html


@register.tag
def cached(parser: template.base.Parser, token: template.base.Token) -> CachedNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("usage: {% cached key %}…{% endcached %}")
    nodelist = parser.parse(("endcached",))
    parser.delete_first_token()
    return CachedNode(nodelist, parser.compile_filter(bits[1]))
