"""Draws the app's PNG icons (192 and 512 px) once, from the same design as web/icon.svg: the
letter "सं" in white on the accent colour. Run by hand when the design changes, and commit the
result: `python -m sampark.web.make_icons` (needs a Devanagari font and Pillow with raqm, for the
shaping of the vowel sign; nothing reads these at run or test time but the static files)."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf"
ACCENT = (194, 65, 12)
OUT = Path(__file__).parent / "static" / "web"


def draw(size: int) -> Image.Image:
    """Full-bleed background (so the icon is also "maskable": a launcher may cut any shape from
    it) with the letter inside the middle 60 %, the safe zone."""
    img = Image.new("RGB", (size, size), ACCENT)
    font = ImageFont.truetype(FONT, int(size * 0.46), layout_engine=ImageFont.Layout.RAQM)
    d = ImageDraw.Draw(img)
    d.text((size / 2, size / 2), "सं", font=font, fill="white", anchor="mm", language="hi")
    return img


def main() -> None:
    for size in (192, 512):
        draw(size).save(OUT / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
