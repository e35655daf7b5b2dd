urlpatterns: list = []  # filled by the places API
