def test_health_is_503_when_the_database_is_down(make_app):
    down = make_app(plugins=(), **{
        "sqlalchemy.url": "postgresql+psycopg://postgres@127.0.0.1:1/none",
        "sqlalchemy.connect_args": "",
    })
    response = down.get("/api/health", status=503)
    assert response.json == {"status": "down", "checks": {"database": "down", "broker": "eager"}}


def test_health_reports_a_broker_that_does_not_answer(make_app):
    degraded = make_app(plugins=(), **{"celery.broker_url": "redis://127.0.0.1:1/0",
                                       "celery.always_eager": "false"})
    response = degraded.get("/api/health")
    assert response.json == {"status": "degraded",
                             "checks": {"database": "ok", "broker": "down"}}
