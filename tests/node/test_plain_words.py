"""The constitution and results in plain language (node/read_models/plain.py): the same
English as always, and the reader's language where a page shows them."""

from markupsafe import escape

from commonweal.core.language import speaking
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from commonweal.domain.governance.events import default_actions
from commonweal.node.read_models.decision_words import ACTION_NAMES
from commonweal.node.read_models.plain import describe_kind, describe_outcome


def test_a_kind_is_said_in_english_and_in_the_readers_language() -> None:
    rules = next(r for r in DEFAULT_CONSTITUTION["kinds"].values() if r["method"] == "schulze")
    sentences = describe_kind(rules)
    assert sentences[3] == (
        "Voting: ranked voting, counted by the Schulze method, with the status quo as an option."
    )
    with speaking("fr"):
        assert sentences[0].translated() == "Qui peut proposer : tout membre."
        assert str(escape(sentences[3])) == (
            "Vote : vote par classement, dépouillé par la méthode Schulze, "
            "avec le statu quo comme option."
        )
    with speaking("es"):
        assert "días" in sentences[2].translated()


def test_an_outcome_keeps_its_english_and_its_numbers_in_translation() -> None:
    passed = describe_outcome({"quorum": {"met": True}, "passed": True, "turnout_percent": 67})
    assert passed == "Passed (67 % turnout)."
    short = describe_outcome(
        {"quorum": {"met": False, "needed": 12}, "participating": 5, "passed": False}
    )
    assert short == "Not passed: 5 took part, the quorum needed 12."
    with speaking("pt"):
        assert passed.translated() == "Aprovada (participação de 67 %)."
        assert short.translated() == "Não aprovada: participaram 5, o quórum exigia 12."


def test_the_actions_a_kind_may_carry_are_said_in_the_readers_language() -> None:
    rules = {
        **next(iter(DEFAULT_CONSTITUTION["kinds"].values())),
        "actions": ["membership.admit", "treasury.fund.open", "made.up"],
    }
    sentence = describe_kind(rules, ACTION_NAMES)[-1]
    assert (
        sentence == "If it passes, the node itself can: admit an applicant, open a fund, made.up."
    )
    with speaking("fr"):
        assert str(escape(sentence)) == (
            "S’il est adopté, le nœud lui-même peut : admettre un candidat, ouvrir un fonds, "
            "made.up."
        )


def test_the_action_names_are_the_actions_summaries() -> None:
    summaries = {
        name: action.summary[0].lower() + action.summary[1:].rstrip(".")
        for name, action in default_actions().actions.items()
    }
    assert summaries == ACTION_NAMES
