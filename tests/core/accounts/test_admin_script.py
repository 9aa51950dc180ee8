"""``ticketing-admin create-admin`` creates a verified admin who can log in at once."""
import pytest
from sqlalchemy import select

from ticketing.models import User
from ticketing.scripts.admin import main


@pytest.fixture
def ini_file(tmp_path, app_settings):
    settings = {**app_settings, "ticketing.plugins": ""}
    lines = ["[app:main]", "use = egg:ticketing"] + [f"{k} = {v}" for k, v in settings.items()]
    path = tmp_path / "admin.ini"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_create_admin_then_log_in(app, ini_file, db, capsys):
    main([ini_file, "create-admin", "--email", "Boss@Example.com", "--password", "Boss-password-1"])
    assert "Created admin boss@example.com" in capsys.readouterr().out
    user = db.execute(select(User)).scalar_one()
    assert user.roles == ["admin"] and user.email_verified_at is not None
    token = app.post_json("/api/auth/login", {"email": "boss@example.com",
                                              "password": "Boss-password-1"}).json["token"]
    app.get("/api/users", headers={"Authorization": f"Bearer {token}"})


def test_create_admin_refuses_a_weak_password_and_a_used_address(ini_file, make_user, db):
    with pytest.raises(SystemExit, match="Password refused: At least 10 characters."):
        main([ini_file, "create-admin", "--email", "boss@example.com", "--password", "short"])
    make_user(email="boss@example.com")
    with pytest.raises(SystemExit, match="exists already"):
        main([ini_file, "create-admin", "--email", "boss@example.com",
              "--password", "Boss-password-1"])
    assert db.execute(select(User.email)).scalars().all() == ["boss@example.com"]


def test_create_admin_asks_for_the_password_twice(ini_file, monkeypatch, db):
    answers = iter(["Boss-password-1", "Boss-password-2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(SystemExit, match="The passwords do not match."):
        main([ini_file, "create-admin", "--email", "boss@example.com"])
    assert db.execute(select(User)).first() is None
