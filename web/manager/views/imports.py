"""Import a roster or a programme's vacancies from a file, and read the report line by line.

The same functions as the upload API (`roster.volunteers.volunteers_import`,
`roster.vacancies.vacancies_import`) do the reading and writing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from assignments.selectors import programmes_managed_by
from roster.importing import ImportReport
from roster.vacancies import vacancies_import
from roster.volunteers import volunteers_import
from web.manager.access import manager_page, user_of
from web.manager.forms import ImportForm

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@require_http_methods(["GET", "POST"])
@manager_page
def import_file(request: HttpRequest) -> HttpResponse:
    programmes = programmes_managed_by(user=request.user)
    report: ImportReport | None = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, programmes=programmes)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD_BYTES:
                form.add_error("file", "The file is larger than 20 MB: split it into several files.")
            else:
                options = {"atomic": form.cleaned_data["atomic"], "dry_run": form.cleaned_data["dry_run"]}
                if form.cleaned_data["kind"] == "vacancies":
                    report = vacancies_import(
                        data=upload.read(),
                        filename=upload.name,
                        programme_slug=form.cleaned_data["programme"].slug,
                        actor=user_of(request),
                        **options,
                    )
                else:
                    report = volunteers_import(data=upload.read(), filename=upload.name, **options)
        status = 200 if form.is_valid() else 400
    else:
        form = ImportForm(programmes=programmes, initial={"kind": "vacancies"})
    return render(
        request,
        "web/manager/import.html",
        {"form": form, "report": report, "kind": form["kind"].value()},
        status=status,
    )
