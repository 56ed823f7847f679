import os

from django.core.wsgi import get_wsgi_application

from emulation.serving import tune_garbage_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")
application = get_wsgi_application()
# Once the app is loaded: what is alive now lives as long as the process (emulation/serving.py).
tune_garbage_collector()
