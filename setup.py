"""What pyproject.toml cannot say: the wheel carries the checkout's top-level templates/, static/ and locale/ folders
inside the idesk package (idesk/templates, idesk/static, idesk/locale), where idesk/settings.py finds them when
installed.

Every folder is listed as a (namespace) package so that setuptools takes the files in it as package data."""

from setuptools import find_namespace_packages, setup

CODE = find_namespace_packages(include=["idesk*", "units*", "accounts*", "documents*"], exclude=["*__pycache__"])
ASSETS = {"idesk.templates": "templates", "idesk.static": "static", "idesk.locale": "locale"}

setup(
    packages=[
        *CODE,
        *ASSETS,
        *(f"{package}.{sub}" for package, folder in ASSETS.items() for sub in find_namespace_packages(folder)),
    ],
    package_dir=ASSETS,
)
