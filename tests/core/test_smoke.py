def test_health_reports_database(app):
    response = app.get("/api/health")
    assert response.json == {"status": "ok", "checks": {"database": "ok", "broker": "eager"}}
