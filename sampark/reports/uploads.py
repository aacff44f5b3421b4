"""Reading a photo upload without holding a huge body in memory: a declared Content-Length over the
limit is refused before the body is read, and a body without one (chunked) is cut off by an upload
handler as soon as it passes the limit."""

from django.utils.translation import gettext as _

from sampark.core import files
from sampark.reports.services import ReportError

# Room for the multipart framing and the id field around the file.
FORM_OVERHEAD = 64 * 1024


def read_photo_upload(request):
    """(photo id, uploaded file) from a multipart POST with fields `id` and `file`."""
    too_large = ReportError(files.photo_too_large_message(), status=413)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > files.MAX_BYTES + FORM_OVERHEAD:
        raise too_large
    if hasattr(request, "_files"):
        # Already parsed (the CSRF check of a session caller reads the form first) by Django's
        # default handlers, which spill large files to disk rather than memory.
        upload = request.FILES.get("file")
        if upload is not None and upload.size > files.MAX_BYTES:
            raise too_large
    else:
        handler = files.LimitedUploadHandler(request)
        request.upload_handlers = [handler]
        upload = request.FILES.get("file")
        if handler.too_large:
            raise too_large
    if upload is None:
        raise ReportError(_("Choose a photo to upload."), {"file": _("Choose a photo to upload.")})
    photo_id = request.POST.get("id", "")
    return photo_id, upload
