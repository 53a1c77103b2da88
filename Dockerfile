# The production image: the app under gunicorn; the same image runs the Celery worker and beat.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY okr_site okr_site
COPY objectives objectives
COPY checkins checkins
COPY scoring scoring
COPY dashboards dashboards
COPY initiatives initiatives
COPY audit audit
COPY reminders reminders
COPY demo demo
COPY templates templates
COPY static static
# The compiled Korean catalogue (django.mo) is committed, so the image needs no gettext.
COPY locale locale
COPY manage.py ./
RUN pip install . \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --no-input \
 && useradd --create-home okr \
 && mkdir -p /app/var && chown okr /app/var
USER okr

EXPOSE 8000
CMD ["gunicorn", "okr_site.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
