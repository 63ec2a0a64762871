from django import template

from core.pdf import static_file_url

register = template.Library()


@register.simple_tag
def pdf_static(name: str) -> str:
    """A static file as a file:// URL the PDF fetcher allows."""
    return static_file_url(name)
