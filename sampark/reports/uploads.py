"""Reading a photo upload without holding a huge body in memory: a declared Content-Length over the
limit is refused before the body is read, and a body without one (chunked) is cut off by an upload
handler as soon as it passes the limit."""

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.utils.translation import gettext as _

from sampark.reports import photos
from sampark.reports.services import ReportError

# Room for the multipart framing and the id field around the file.
FORM_OVERHEAD = 64 * 1024


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams to a temporary file and skips the file once it passes the limit."""

    def __init__(self, request=None, limit: int = photos.MAX_BYTES):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)


def read_photo_upload(request):
    """(photo id, uploaded file) from a multipart POST with fields `id` and `file`."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > photos.MAX_BYTES + FORM_OVERHEAD:
        raise ReportError(photos.too_large_message(), status=413)
    if hasattr(request, "_files"):
        # Already parsed (the CSRF check of a session caller reads the form first) by Django's
        # default handlers, which spill large files to disk rather than memory.
        upload = request.FILES.get("file")
        if upload is not None and upload.size > photos.MAX_BYTES:
            raise ReportError(photos.too_large_message(), status=413)
    else:
        handler = LimitedUploadHandler(request)
        request.upload_handlers = [handler]
        upload = request.FILES.get("file")
        if handler.too_large:
            raise ReportError(photos.too_large_message(), status=413)
    if upload is None:
        raise ReportError(_("Choose a photo to upload."), {"file": _("Choose a photo to upload.")})
    photo_id = request.POST.get("id", "")
    return photo_id, upload
