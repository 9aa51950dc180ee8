def test_preflight_from_an_allowed_origin(sample_app):
    response = sample_app.options("/api/sample/echo", headers={
        "Origin": "https://shop.test", "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "X-Guest-Cart-ID"}, status=204)
    assert response.headers["Access-Control-Allow-Origin"] == "https://shop.test"
    assert "X-Guest-Cart-ID" in response.headers["Access-Control-Allow-Headers"]
    assert "PATCH" in response.headers["Access-Control-Allow-Methods"]


def test_preflight_from_another_origin_is_refused(sample_app):
    response = sample_app.options("/api/sample/echo", headers={
        "Origin": "https://evil.test", "Access-Control-Request-Method": "POST"}, status=403)
    assert "Access-Control-Allow-Origin" not in response.headers


def test_simple_request_names_the_origin_never_a_wildcard(sample_app):
    response = sample_app.get("/api/health", headers={"Origin": "https://shop.test"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://shop.test"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "X-Request-ID" in response.headers["Access-Control-Expose-Headers"]
    other = sample_app.get("/api/health", headers={"Origin": "https://evil.test"})
    assert "Access-Control-Allow-Origin" not in other.headers
