from django import template

from editorial.dashboard import sections

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_sections(context):
    return sections(context["request"])
