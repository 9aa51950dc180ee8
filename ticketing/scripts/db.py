"""``ticketing-db``: database migrations for the core and the enabled plugins.

    ticketing-db development.ini upgrade          # every branch to its head
    ticketing-db development.ini current
    ticketing-db development.ini revision catalog -m "add venue"   # autogenerate
"""
import argparse
import sys

from alembic import command
from pyramid.paster import get_appsettings, setup_logging

from ticketing.migrations import CORE_TABLES, alembic_config


def owned_by(branch):
    """Which tables a branch's autogenerate may touch: plugins prefix theirs."""
    if branch == "core":
        return lambda table: table.startswith(CORE_TABLES)
    return lambda table: table.startswith(branch + "_")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="ticketing-db", description=__doc__.split("\n")[0])
    parser.add_argument("config_uri", help="the ini file, e.g. development.ini")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("upgrade", help="migrate every branch to its head")
    sub.add_parser("current", help="show the current revisions")
    revision = sub.add_parser("revision", help="autogenerate a migration for one branch")
    revision.add_argument("branch", help="core or a plugin name")
    revision.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)

    setup_logging(args.config_uri)
    settings = dict(get_appsettings(args.config_uri))
    run(settings, args)


def run(settings, args):
    config = alembic_config(settings)
    if args.command == "upgrade":
        command.upgrade(config, "heads")
    elif args.command == "current":
        command.current(config, verbose=True)
    else:
        config.attributes["owned_tables"] = owned_by(args.branch)
        locations = config.attributes["locations"]
        heads = {b for s in _branch_heads(config) for b in s}
        new_branch = args.branch not in heads
        command.revision(
            config, message=args.message, autogenerate=True,
            head="base" if new_branch else f"{args.branch}@head",
            branch_label=args.branch if new_branch else None,
            version_path=locations[args.branch],
        )


def _branch_heads(config):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config)
    return [script.get_revision(head).branch_labels for head in script.get_heads()]


if __name__ == "__main__":
    sys.exit(main())
