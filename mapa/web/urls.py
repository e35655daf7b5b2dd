urlpatterns: list = []  # filled by the resident pages
