"""The project's URLs with the import pages mounted under ledger/import/, as yingshang/ledger/urls.py is to
include them (kept working once it does)."""

from django.urls import include, path

from config import urls as root
from yingshang.ledger import urls as ledger_urls

_ledger = list(ledger_urls.urlpatterns)
if not any(str(p.pattern) == "import/" for p in _ledger):
    _ledger.append(path("import/", include("yingshang.ledger.importing.urls")))

urlpatterns = [p for p in root.urlpatterns if str(p.pattern) != "ledger/"]
urlpatterns.insert(0, path("ledger/", include((_ledger, "ledger"))))
handler403 = root.handler403
handler404 = root.handler404
handler500 = root.handler500
