"""A credential's problems said to a person: English as core/vc says it, and its template."""

from __future__ import annotations

from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.verify import VerificationResult
from commonweal.node.services.credential_problems import details_word, refusal
from commonweal.web.problem_words import translated


def test_problems_keep_their_english_and_say_it_in_french() -> None:
    result = VerificationResult()
    result.add(
        CredentialError(
            "invalid_proof",
            "a credential secured with %(type)s must name %(context)s",
            type="Ed25519Signature2020",
            context="https://w3id.org/security/suites/ed25519-2020/v1",
        )
    )
    result.add(CredentialError("revoked", "the issuer has revoked this credential"))
    english = (
        "invalid_proof: a credential secured with Ed25519Signature2020 must name "
        "https://w3id.org/security/suites/ed25519-2020/v1; "
        "revoked: the issuer has revoked this credential"
    )
    refused = refusal("invalid_credential", result.problems)
    assert refused.message == english
    body = {"status": 400, "code": "invalid_credential", "detail": refused.message}
    french = translated(body, "fr", (refused.template, refused.params))
    assert french["detail_en"] == english
    assert french["detail"] == (
        "invalid_proof : un justificatif sécurisé par Ed25519Signature2020 doit nommer "
        "https://w3id.org/security/suites/ed25519-2020/v1 ; "
        "revoked : l’émetteur a révoqué ce justificatif"
    )
    assert translated(body, "en", (refused.template, refused.params)) == body
    assert details_word(result.problems).endswith("the issuer has revoked this credential")
    assert details_word([]) == ""
