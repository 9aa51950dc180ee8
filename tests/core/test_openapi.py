from openapi_spec_validator import validate


def test_the_document_validates_as_swagger_2(app):
    spec = app.get("/api/openapi.json").json
    validate(spec)
    assert spec["securityDefinitions"]["Bearer"]["in"] == "header"
    assert "/api/health" in spec["paths"]


def test_every_operation_documents_the_error_envelope(sample_app):
    spec = sample_app.get("/api/openapi.json").json
    operation = spec["paths"]["/api/sample/echo"]["post"]
    for status in ("400", "401", "403", "404", "413", "415", "422", "429", "500"):
        assert operation["responses"][status]["schema"]["required"] == ["message", "code"]
    assert "security" not in operation  # public
    assert spec["paths"]["/api/sample/secret"]["get"]["security"] == [{"Bearer": []}]
    body = next(p for p in operation["parameters"] if p["in"] == "body")["schema"]
    assert body["additionalProperties"] is False
    assert body["properties"]["quantity"]["type"] == "integer"


def test_swagger_ui_works_offline(app):
    page = app.get("/api/docs")
    assert page.content_type == "text/html"
    scripts = [tag["src"] for tag in page.html.find_all("script")]
    styles = [tag["href"] for tag in page.html.find_all("link")]
    for asset in scripts + styles:
        assert asset.startswith("/api/docs/"), asset  # served here, no CDN
        assert app.get(asset).status_int == 200
    assert "/api/openapi.json" in app.get(scripts[-1]).text
