import warnings

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mapa.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Pillow's decompression-bomb guard only warns between MAX_IMAGE_PIXELS and
        # twice that, and goes on decoding; as an error, such a bomb is refused from
        # its header like any bigger one (mapa.reports.photos._decode), never decoded.
        from PIL import Image

        warnings.simplefilter("error", Image.DecompressionBombWarning)
