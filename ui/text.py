"""Plain-text helpers shared by the layers."""


def clip(text: str, limit: int, *, ellipsis: str = "…") -> str:
    """text shortened to at most limit characters at a word boundary, marked with ellipsis.

    Text that fits is returned whole. A single word longer than the limit is cut inside
    it, as there is no boundary to cut at."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    room = max(limit - len(ellipsis), 1)
    cut = text[: room + 1]
    space = cut.rfind(" ")
    head = cut[:space] if space > 0 else text[:room]
    return head.rstrip(" ,;:.-–—") + ellipsis
