"""The import/export commands act as --user and refuse a board that user may not act for."""

import pytest
from django.core.management import CommandError, call_command

from schools.models import School


def _csv(tmp_path):
    src = tmp_path / "schulen.csv"
    src.write_bytes(b"Schulnummer;Name;Schulform\r\n77777;CLI-Schule;Gymnasium\r\n")
    return src


@pytest.mark.parametrize(
    "actor", ["other_board_admin", "school_staff", "reviewer", "no_membership"]
)
def test_import_refused_without_board_role_and_writes_nothing(world, tmp_path, actor):
    user = world.user(actor)
    with pytest.raises(CommandError, match="may not import into"):
        call_command(
            "import_schools",
            str(_csv(tmp_path)),
            "--board",
            str(world.board.pk),
            "--user",
            user.username,
            "--language",
            "en",
        )
    assert not School.objects.filter(school_number="77777").exists()


@pytest.mark.parametrize("actor", ["board_admin", "board_staff", "consultant"])
def test_import_allowed_for_board_editors(world, tmp_path, actor):
    call_command(
        "import_schools",
        str(_csv(tmp_path)),
        "--board",
        str(world.board.pk),
        "--user",
        world.user(actor).username,
    )
    assert School.objects.get(school_number="77777").school_board == world.board


def test_inactive_user_is_refused(world, tmp_path):
    user = world.user("board_admin")
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="may not import into"):
        call_command(
            "import_schools",
            str(_csv(tmp_path)),
            "--board",
            str(world.board.pk),
            "--user",
            user.username,
            "--language",
            "en",
        )


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("board_staff", True),
        ("reviewer", True),
        ("other_board_admin", False),
        ("school_staff", False),
        ("no_membership", False),
    ],
)
def test_export_needs_read_access_to_the_board(world, tmp_path, actor, allowed):
    out = tmp_path / "out.csv"
    args = ["export_schools", "--board", str(world.board.pk), "-o", str(out)]
    args += ["--user", world.user(actor).username, "--language", "en"]
    if allowed:
        call_command(*args)
        assert world.school.school_number in out.read_text("utf-8-sig")
    else:
        with pytest.raises(CommandError, match="may not export from"):
            call_command(*args)
        assert not out.exists()
