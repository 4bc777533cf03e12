from django.contrib import admin

from .models import Pair

admin.site.register(Pair)
