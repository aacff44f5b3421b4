def sampark(request):
    return {"me": getattr(request, "person", None)}
