"""Quote detection and speaker attribution on fictional news texts.

Each text is written for the test and reproduces one convention or pathology: quote-mark
styles, mismatched machine-translation marks, multi-paragraph quotes, interrupted quotes,
attribution before/after/inside, pronoun and role speakers, organisations, anonymous sources,
and things that look like quotes but are not (scare quotes, titles, nicknames, subheads).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from newswatch import entities, quotes
from newswatch.models import Quote
from newswatch.quotes import extract_quotes, find_quote_segments, quote_key
from spacy.language import Language

WIRE_ARTICLE = Path(__file__).resolve().parents[1] / "fixtures" / "texts" / "wire_article_1.txt"

# Introduces the people most texts below refer back to.
CAST = (
    "Valdorian Foreign Minister Helena Strand met Prime Minister Ivo Marek in Riga on Monday.\n\n"
    "Pavel Grinko, an expert at the Nordic Security Institute, followed the talks.\n\n"
)


@pytest.fixture(scope="module", autouse=True)
def nlp() -> Language:
    """Load the pipeline once for the module."""
    return entities.get_nlp()


def only(found: list[Quote]) -> Quote:
    assert len(found) == 1, [(q.kind, q.text, q.speaker) for q in found]
    return found[0]


def containing(found: list[Quote], fragment: str) -> Quote:
    matches = [q for q in found if fragment in q.text]
    assert len(matches) == 1, [(q.kind, q.text, q.speaker) for q in found]
    return matches[0]


def assert_offsets(text: str, quote: Quote) -> None:
    assert text[quote.start : quote.end] == quote.text
    if quote.speaker_start is not None:
        assert quote.speaker_end is not None and quote.speaker_start < quote.speaker_end <= len(text)


# --------------------------------------------------------------------------- direct quotes, marks


def test_direct_quote_with_attribution_after() -> None:
    text = CAST + "“We will not trade our security for promises,” Strand said."
    quote = only(extract_quotes(text))
    assert quote.kind == "direct"
    assert quote.text == "We will not trade our security for promises"
    assert quote.speaker == "Helena Strand"
    assert quote.speaker_key == entities.entity_key("Helena Strand", "PERSON")
    assert text[quote.speaker_start : quote.speaker_end] == "Strand"
    assert quote.cue == "said"
    assert quote.confidence >= 0.9
    assert_offsets(text, quote)


def test_straight_double_quotes() -> None:
    text = CAST + '"The border will stay open for trade," Marek told reporters.'
    quote = only(extract_quotes(text))
    assert (quote.text, quote.speaker, quote.cue) == (
        "The border will stay open for trade",
        "Ivo Marek",
        "told",
    )


def test_verb_first_attribution_with_title() -> None:
    text = CAST + "“Nobody asked us before signing,” said Prime Minister Ivo Marek."
    quote = only(extract_quotes(text))
    assert quote.speaker == "Ivo Marek"
    assert quote.cue == "said"


def test_dash_then_verb_first_role_attribution() -> None:
    text = (
        "As Valdorian President Tomas Brekke noted on Friday, the army is ready.\n\n"
        "“We see this, and such an outcome would be unacceptable to us, naturally, ” - said the president."
    )
    quote = containing(extract_quotes(text), "such an outcome")
    assert quote.kind == "direct"
    assert quote.speaker == "Tomas Brekke"
    assert text[quote.speaker_start : quote.speaker_end] == "the president"


def test_closing_mark_glued_to_the_attribution() -> None:
    text = CAST + "“The only talks we want are about guarantees for the whole region, ”the minister said."
    quote = only(extract_quotes(text))
    assert quote.text == "The only talks we want are about guarantees for the whole region"
    assert quote.speaker == "Helena Strand"


def test_curly_opening_straight_closing_mismatch() -> None:
    text = CAST + '“It is a campaign aimed at painting us as the aggressor, "Grinko said on the air.'
    quote = only(extract_quotes(text))
    assert quote.text == "It is a campaign aimed at painting us as the aggressor"
    assert quote.speaker == "Pavel Grinko"


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("«", "»"), ("„", "“"), ("‚", "‘"), ("‹", "›"), ("「", "」"), ("»", "«"), ("‘", "’"), ("'", "'")],
)
def test_every_quote_mark_convention(opening: str, closing: str) -> None:
    text = CAST + f"{opening}We are ready for a long winter and we will not bend,{closing} Marek said."
    quote = only(extract_quotes(text))
    assert quote.text == "We are ready for a long winter and we will not bend"
    assert quote.speaker == "Ivo Marek"


def test_apostrophes_inside_single_quoted_speech() -> None:
    text = CAST + "'We don't think the alliance's position will change,' Strand said."
    quote = only(extract_quotes(text))
    assert quote.text == "We don't think the alliance's position will change"
    assert quote.speaker == "Helena Strand"


def test_nested_quote_stays_inside_the_outer_quote() -> None:
    text = CAST + "“They called our plan ‘a provocation’, and that tells you everything,” Strand said."
    quote = only(extract_quotes(text))
    assert quote.text == "They called our plan ‘a provocation’, and that tells you everything"


def test_orphan_closing_mark_does_not_swallow_later_text() -> None:
    text = (
        CAST + 'The clause covers units deployed near the frontier as of June 3, 1998 ".\n\n'
        "Latvia joined in 2004.\n\n"
        '"We will keep our troops where they are," Marek said.'
    )
    quote = only(extract_quotes(text))
    assert quote.text == "We will keep our troops where they are"
    assert quote.speaker == "Ivo Marek"


# --------------------------------------------------------------------------- multi-paragraph and interrupted


def test_multi_paragraph_quote_with_opening_mark_on_each_paragraph() -> None:
    text = CAST + (
        "“We have been patient for years.\n\n"
        "“We have offered talks again and again.\n\n"
        "“Now the answer is up to them,” Strand said."
    )
    quote = only(extract_quotes(text))
    assert quote.text.startswith("We have been patient for years.")
    assert quote.text.endswith("Now the answer is up to them")
    assert quote.speaker == "Helena Strand"
    assert_offsets(text, quote)


def test_multi_paragraph_quote_opened_once_closed_once() -> None:
    text = CAST + (
        "“We believe deterrence has to stay where it is.\n\n"
        "And the only talks we would welcome are about stronger guarantees, ”the Foreign Minister said."
    )
    quote = only(extract_quotes(text))
    assert "\n\n" in quote.text
    assert quote.speaker == "Helena Strand"


def test_editorial_insertion_inside_a_multi_paragraph_quote() -> None:
    text = CAST + (
        '"We will not throw away what has been built (in regional cooperation. -\n\n'
        "RT\n\n"
        ') over more than twenty years," Marek said.'
    )
    quote = only(extract_quotes(text))
    assert quote.text.endswith("over more than twenty years")
    assert quote.speaker == "Ivo Marek"


def test_quote_interrupted_by_attribution_gives_two_attributed_parts() -> None:
    text = CAST + "“We are ready,” Strand said. “But we will not be rushed.”"
    found = extract_quotes(text)
    assert [q.text for q in found] == ["We are ready", "But we will not be rushed."]
    assert {q.speaker for q in found} == {"Helena Strand"}
    assert found[1].confidence < found[0].confidence


def test_continuation_paragraph_inherits_the_speaker() -> None:
    text = CAST + (
        "“The talks were useful,” Marek said after the meeting.\n\n"
        "“Nobody expects a breakthrough this year, but the channel is open again.”"
    )
    found = extract_quotes(text)
    assert [q.speaker for q in found] == ["Ivo Marek", "Ivo Marek"]


# --------------------------------------------------------------------------- attribution before


def test_colon_introduction() -> None:
    text = CAST + "Marek said: “There is no deal and there will be no deal this year.”"
    quote = only(extract_quotes(text))
    assert quote.kind == "direct"
    assert quote.speaker == "Ivo Marek"
    assert quote.text == "There is no deal and there will be no deal this year."


def test_according_to_before_a_direct_quote() -> None:
    text = CAST + "According to Grinko, “the alliance has run out of patience with these proposals.”"
    quote = only(extract_quotes(text))
    assert quote.speaker == "Pavel Grinko"
    assert quote.cue == "according to"


# --------------------------------------------------------------------------- indirect and mixed


def test_indirect_said_that() -> None:
    text = CAST + "Strand said that the alliance should reject the proposals without delay."
    quote = only(extract_quotes(text))
    assert quote.kind == "indirect"
    assert quote.text == "the alliance should reject the proposals without delay"
    assert quote.speaker == "Helena Strand"
    assert quote.cue == "said"


def test_indirect_with_words_between_subject_and_verb() -> None:
    text = (
        CAST + "Marek in a late-night post on his blog stated that it would be wrong to redraw the borders."
    )
    quote = only(extract_quotes(text))
    assert (quote.kind, quote.speaker, quote.cue) == ("indirect", "Ivo Marek", "stated")
    assert quote.text == "it would be wrong to redraw the borders"


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        ("According to Grinko, the talks will resume next week.", "the talks will resume next week"),
        ("The talks will resume next week, according to Grinko.", "The talks will resume next week"),
    ],
)
def test_indirect_according_to(sentence: str, content: str) -> None:
    quote = only(extract_quotes(CAST + sentence))
    assert (quote.kind, quote.text, quote.speaker, quote.cue) == (
        "indirect",
        content,
        "Pavel Grinko",
        "according to",
    )


def test_indirect_as_noted_by() -> None:
    text = CAST + "As noted by Strand, the allies have not yet discussed pulling back any units."
    quote = only(extract_quotes(text))
    assert quote.text == "the allies have not yet discussed pulling back any units"
    assert quote.speaker == "Helena Strand"


def test_indirect_with_trailing_role_attribution() -> None:
    text = CAST + "The deal is dead and nobody will revive it, the minister said."
    quote = only(extract_quotes(text))
    assert (quote.kind, quote.speaker) == ("indirect", "Helena Strand")
    assert quote.text == "The deal is dead and nobody will revive it"


def test_indirect_with_parenthetical_pronoun_attribution() -> None:
    text = (
        CAST + "Grinko spoke next.\n\nIn this regard, he stressed, Valdoria will seize any convenient topic."
    )
    quote = only(extract_quotes(text))
    assert quote.speaker == "Pavel Grinko"
    assert quote.text == "Valdoria will seize any convenient topic"


def test_mixed_quote_fragment_inside_reported_speech() -> None:
    text = CAST + 'Marek said that the government would not let the matter be "buried" in committees.'
    quote = only(extract_quotes(text))
    assert quote.kind == "mixed"
    assert quote.speaker == "Ivo Marek"
    assert '"buried"' in quote.text


def test_mixed_quote_with_characterising_verb() -> None:
    text = CAST + "Strand described the talks as “useful but very far from finished for now”."
    quote = only(extract_quotes(text))
    assert quote.kind == "mixed"
    assert quote.speaker == "Helena Strand"


def test_fragment_after_adding_that_is_mixed_not_inherited() -> None:
    text = CAST + "“We need more time,” Strand told reporters, adding that the deal “is not dead yet”."
    found = extract_quotes(text)
    assert [(q.kind, q.speaker) for q in found] == [("direct", "Helena Strand"), ("mixed", "Helena Strand")]
    assert found[1].text == "the deal “is not dead yet”"
    assert found[1].cue == "adding"


def test_characterising_verb_with_named_subject() -> None:
    text = "Tomas Lind called the decision “a betrayal of every farmer in the region”."
    quote = only(extract_quotes(text))
    assert (quote.kind, quote.speaker, quote.cue) == ("mixed", "Tomas Lind", "called")


def test_statement_from_an_organisation_is_attributed_to_it() -> None:
    text = "A statement from the Kremlin said that the talks had been useful."
    quote = only(extract_quotes(text))
    assert (quote.kind, quote.speaker) == ("indirect", "Kremlin")


def test_country_name_is_not_mistaken_for_a_cue() -> None:
    text = "“We will respond in kind to any new sanctions,” the United States said."
    quote = only(extract_quotes(text))
    assert quote.cue == "said"
    assert quote.speaker == "United States"


def test_short_sentence_quote_without_attribution_is_kept_unattributed() -> None:
    text = "“We will win.” Helena Strand said the talks would continue next week."
    found = extract_quotes(text)
    assert [(q.kind, q.text, q.speaker) for q in found] == [
        ("direct", "We will win.", None),
        ("indirect", "the talks would continue next week", "Helena Strand"),
    ]


def test_verb_first_attribution_with_apposition_names_the_speaker() -> None:
    text = (
        "“These letters are a unique record of the harbour,” explained the gallery’s director, Dr Lena Vos."
    )
    quote = only(extract_quotes(text))
    assert quote.speaker == "Lena Vos"


def test_speaker_first_attribution_with_apposition_names_the_speaker() -> None:
    text = "“Nobody was harmed by the outage,” the clinic’s chief surgeon, Dr Anton Rask, told reporters."
    quote = only(extract_quotes(text))
    assert quote.speaker == "Anton Rask"
    assert quote.cue == "told"


def test_quote_paragraph_introduced_by_the_previous_paragraph() -> None:
    text = (
        "Foreign Minister Helena Strand, speaking after the vote, described the night as the longest of her career.\n\n"
        "“At two in the morning I was sure we would go home with nothing.\n\n"
        "“Then the other side came back to the table.”"
    )
    quote = only(extract_quotes(text))
    assert quote.speaker == "Helena Strand"
    assert quote.cue == "described"
    assert quote.confidence < 0.6  # borrowed from the context, not stated next to the quote


def test_definite_role_after_an_anonymous_introduction_stays_anonymous() -> None:
    text = CAST + (
        "A senior diplomat involved in the negotiations said the talks had nearly collapsed overnight. "
        "“At one point the other delegation had their coats on,” the diplomat said."
    )
    quote = containing(extract_quotes(text), "coats on")
    assert quote.speaker is None
    assert quote.cue == "said"


def test_anonymity_stated_after_the_verb() -> None:
    text = CAST + "“The deal was dead at midnight,” the official said, speaking on condition of anonymity."
    assert only(extract_quotes(text)).speaker is None


def test_pronoun_prefers_the_subject_over_a_more_recent_object() -> None:
    text = CAST + (
        "Tomas Brenner, a political scientist at Riga University, said the vote would strengthen Strand "
        "for now. “A failed motion is usually a gift to the government,” he said."
    )
    quote = containing(extract_quotes(text), "failed motion")
    assert quote.speaker == "Tomas Brenner"


def test_organisation_noun_resolves_to_the_named_organisation() -> None:
    text = (
        "Marenburg City Hospital postponed all planned operations on Wednesday.\n\n"
        "Staff were reduced to pen and paper, the hospital said."
    )
    quote = only(extract_quotes(text))
    assert (quote.kind, quote.speaker) == ("indirect", "Marenburg City Hospital")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Velgrad Metro opened its third line.\n\n"
            '"Today we kept the promise we gave eleven years ago", the mayor of Velgrad Nina Zelenko said.',
            "Nina Zelenko",
        ),
        (
            "The first passengers were pleased. «I travelled to work for over an hour, now it is "
            "twenty-five minutes», the resident of the Riverside district Olena Marchuk told to the paper.",
            "Olena Marchuk",
        ),
        (
            "This was announced by the Minister of Agriculture Bogdan Rusu at a meeting with farmers.\n\n"
            '"The winter crops are in good condition", the minister said.',
            "Bogdan Rusu",
        ),
    ],
)
def test_machine_translated_role_name_order_in_attributions(text: str, speaker: str) -> None:
    assert only(extract_quotes(text)).speaker == speaker


def test_quote_after_a_trailing_attribution_sentence_takes_that_speaker() -> None:
    text = (
        "The bakery survived the strikes of 1989 and the fuel crisis of 2019, Mr Tomas Lind said. "
        '"We only closed once, for my grandfather\'s funeral."'
    )
    quote = containing(extract_quotes(text), "We only closed once")
    assert quote.speaker == "Tomas Lind"
    assert quote.confidence < 0.6


def test_french_spaced_guillemets() -> None:
    text = CAST + "« Nous ne céderons pas sur la frontière », Strand said."
    quote = only(extract_quotes(text))
    assert quote.text == "Nous ne céderons pas sur la frontière"
    assert quote.speaker == "Helena Strand"


# --------------------------------------------------------------------------- reporting verbs


@pytest.mark.parametrize(
    "cue",
    [
        "told reporters",
        "added",
        "stressed",
        "noted",
        "recalled",
        "explained",
        "emphasised",
        "emphasized",
        "admitted",
        "summed up",
        "warned",
        "insisted",
        "stated",
        "declared",
        "argued",
        "claimed",
        "wrote",
        "asked",
        "replied",
        "continued",
        "concluded",
        "says",
        "has said",
        "later added",
        "pointed out",
    ],
)
def test_reporting_verbs_beyond_said(cue: str) -> None:
    text = CAST + f"“Our partners must decide what they really want from us,” Grinko {cue}."
    quote = only(extract_quotes(text))
    assert quote.speaker == "Pavel Grinko"
    assert (
        quote.cue is not None
        and quote.cue.split()[0] == cue.split()[-1 if cue.startswith(("has", "later")) else 0]
    )


# --------------------------------------------------------------------------- pronouns, roles, organisations


def test_pronoun_resolves_to_the_most_recent_person_outside_quotes() -> None:
    text = (
        "Valdorian President Tomas Brekke opened the forum.\n\n"
        "“We talk about this with every partner, Mr. Holt among them,” he said."
    )
    quote = only(extract_quotes(text))
    assert quote.speaker == "Tomas Brekke"  # not Holt, who is only mentioned inside the quote
    assert text[quote.speaker_start : quote.speaker_end] == "he"


def test_pronoun_respects_honorific_gender() -> None:
    text = (
        "Ms. Anna Berg chaired the session with Mr. Tomas Lind in Tartu.\n\n"
        "“We agreed on nothing of substance today,” she said."
    )
    assert only(extract_quotes(text)).speaker == "Anna Berg"


def test_role_resolves_to_the_introduced_person_not_the_latest_one() -> None:
    text = (
        "Pavel Grinko, an expert at the Nordic Security Institute, spoke first.\n\n"
        "Valdorian President Tomas Brekke arrived later.\n\n"
        "“Nobody will lift a finger for us, ”the analyst added."
    )
    quote = only(extract_quotes(text))
    assert quote.speaker == "Pavel Grinko"
    assert text[quote.speaker_start : quote.speaker_end] == "the analyst"


@pytest.mark.parametrize("role", ["the expert", "the political scientist", "the analyst"])
def test_expert_like_roles_are_compatible_with_director(role: str) -> None:
    text = (
        "Alexei Podgornov, head of the Institute for Defence Studies, disagreed.\n\n"
        f"“A small country simply has to say something, ”{role} said on the radio."
    )
    assert only(extract_quotes(text)).speaker == "Alexei Podgornov"


def test_foreign_minister_role_from_prenominal_title() -> None:
    text = (
        CAST
        + "Grinko left early.\n\n“Everything suggests this intention is serious,” the Foreign Minister said."
    )
    assert only(extract_quotes(text)).speaker == "Helena Strand"


def test_organisation_as_speaker() -> None:
    text = (
        "The Kremlin rejected the report.\n\n“There is no such plan and there never was,” the Kremlin said."
    )
    quote = only(extract_quotes(text))
    assert quote.speaker == "Kremlin"
    assert quote.speaker_key == "ORG:kremlin"


def test_ministry_noun_resolves_to_the_ministry() -> None:
    text = (
        "The Valdorian Foreign Ministry summoned the ambassador on Tuesday.\n\n"
        "“This step is a clear violation of the agreement,” the ministry said in a statement."
    )
    quote = only(extract_quotes(text))
    assert quote.speaker is not None and "Foreign Ministry" in quote.speaker


def test_outlet_reporting_indirectly() -> None:
    text = (
        "The Financial Times newspaper, quoting people familiar with the talks, reported that "
        "most Western capitals find the proposals unacceptable."
    )
    quote = only(extract_quotes(text))
    assert (quote.kind, quote.cue) == ("indirect", "reported")
    assert quote.speaker_key == entities.entity_key("Financial Times", "ORG")


@pytest.mark.parametrize(
    "attribution",
    [
        "a senior alliance envoy stressed when speaking to the paper",
        "a senior NATO diplomat said",
        "one official said, speaking on condition of anonymity",
        "informed sources said",
    ],
)
def test_anonymous_sources_have_no_speaker(attribution: str) -> None:
    text = CAST + f'"The trouble is that nothing will be left to talk about," {attribution}.'
    quote = only(extract_quotes(text))
    assert quote.speaker is None
    assert quote.speaker_start is None and quote.speaker_key is None
    assert quote.cue is not None


def test_anonymous_indirect_source_keeps_the_cue() -> None:
    text = "Senior alliance officials point out that the allies remain divided over a response."
    quote = only(extract_quotes(text))
    assert (quote.kind, quote.speaker, quote.cue) == ("indirect", None, "point out")


def test_unattributable_speech_is_never_guessed() -> None:
    text = "“This is the last chance for everyone involved to step back from the edge.”"
    quote = only(extract_quotes(text))
    assert quote.speaker is None
    assert quote.cue is None
    assert quote.confidence < 0.5


# --------------------------------------------------------------------------- not quotes


@pytest.mark.parametrize(
    "text",
    [
        'The so-called "reform" was passed on Tuesday without debate.',
        "Moscow denies it is planning an “offensive” in the region.",
        "He is known in the capital as the “Iron Chancellor” of the coalition.",
        "She read “The Long Road Home” on the flight to Oslo.",
        '"There is a consistent denial"',
        "The threat of a “northern invasion” was raised again.",
    ],
)
def test_scare_quotes_titles_nicknames_and_subheads_are_not_quotes(text: str) -> None:
    assert extract_quotes(text) == []


def test_subhead_in_quotes_between_attributed_quotes_is_skipped() -> None:
    text = CAST + (
        '“We will not be rushed,” Strand said.\n\n"A firm denial"\n\nMarek said nothing on Tuesday.'
    )
    assert [q.text for q in extract_quotes(text)] == ["We will not be rushed"]


# --------------------------------------------------------------------------- API details


def test_mentions_are_computed_when_not_given() -> None:
    text = CAST + "“We will not trade our security for promises,” Strand said."
    assert extract_quotes(text) == extract_quotes(text, entities.extract_entities(text))


def test_segments_pair_marks_by_context() -> None:
    text = 'He said, "We will go." Then: «Nous verrons», and „Wir sehen“.'
    contents = [text[s.start : s.end] for s in find_quote_segments(text)]
    assert contents == ["We will go.", "Nous verrons", "Wir sehen"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("“We don't think so,”", '"we dont think so"'),
        ("We will NOT   negotiate — ever.", "we will not negotiate ever"),
        ("Naïve hopes, really.", "naive hopes really"),
    ],
)
def test_quote_key_normalises_marks_case_and_punctuation(a: str, b: str) -> None:
    assert quote_key(a) == quote_key(b)


def test_quote_key_keeps_first_content_words() -> None:
    key = quote_key(
        "The difficulty is that if everyone simply walks away from the table now, nobody will be left "
        "to negotiate any of the terms next spring at all."
    )
    assert key.split()[:3] == ["difficulty", "everyone", "simply"]
    assert len(key.split()) == quotes.QUOTE_KEY_WORDS


# --------------------------------------------------------------------------- machine-translated wire article


EXPECTED_WIRE_QUOTES = [
    ("indirect", "Ivars Kalnietis", "the alliance should refuse"),
    ("indirect", "Ivars Kalnietis", "the plan would be turned down"),
    ("direct", "Ivars Kalnietis", "We see no reason to open any talks"),
    ("indirect", "Ivars Kalnietis", "the allies have not yet discussed"),
    ("direct", "Ivars Kalnietis", "We are convinced that deterrence"),
    ("indirect", "Aarne Lehtola", "the allied presence in the north"),
    ("direct", "Aarne Lehtola", "Without the backing of our partners"),
    ("indirect", "Ivars Kalnietis", "air defence systems ought to be sent"),
    ("direct", "Ivars Kalnietis", "Everything suggests that this intention"),
    ("indirect", "Dmitry Voronov", "his country has no plans"),
    ("indirect", "Dmitry Voronov", "Russia keeps the right"),
    ("direct", "Dmitry Voronov", "We raise this with every partner"),
    ("direct", "Irina Belova", "What is being described"),
    ("indirect", "Tomas Varga", "it would be unacceptable to restore"),
    ("direct", "Tomas Varga", "We will not throw away"),
    ("indirect", None, "the allies remain divided"),
    ("indirect", "The Financial Times", "most Western capitals"),
    ("direct", None, "The trouble is that"),
    ("mixed", "Dmitry Voronov", 'Moscow would not let the matter be "buried"'),
    ("direct", "Dmitry Voronov", "We are getting signals"),
    ("indirect", None, "the recent remarks from Riga"),
    ("direct", "Sergey Yermakov", "In this contest between great powers"),
    ("indirect", "Sergey Yermakov", "the West is preparing the ground"),
    ("direct", "Sergey Yermakov", "However, the West now faces"),
    ("mixed", "Alexei Podgornov", 'the grumbling of the "small" allies'),
    ("direct", "Alexei Podgornov", "A country like Latvia"),
    ("indirect", "Alexei Podgornov", "Latvia will seize on any handy topic"),
    ("direct", "Alexei Podgornov", "After all, Washington wants"),
    ("indirect", "Jane Holbrook", "sending troops to the region"),
    ("direct", "Alexei Podgornov", "Membership as such matters little"),
]


def test_machine_translated_wire_article() -> None:
    text = WIRE_ARTICLE.read_text(encoding="utf-8")
    mentions = entities.extract_entities(text)
    found = extract_quotes(text, mentions)
    assert [(q.kind, q.speaker) for q in found] == [
        (kind, speaker) for kind, speaker, _ in EXPECTED_WIRE_QUOTES
    ]
    for quote, (_, _, opening) in zip(found, EXPECTED_WIRE_QUOTES, strict=True):
        assert quote.text.startswith(opening), (quote.text[:60], opening)
        assert_offsets(text, quote)
    keys = {m.entity_key for m in mentions}
    assert all(q.speaker_key in keys for q in found if q.speaker_key)
    # The subhead in quotes, scare quotes and photo credits produce nothing.
    assert not any(q.text in ("A firm denial", "offensive", "buried", "small") for q in found)
    assert not any("Marta Olsen" in (q.speaker or "") for q in found)


def test_wire_article_multi_paragraph_quotes_are_single_quotes() -> None:
    text = WIRE_ARTICLE.read_text(encoding="utf-8")
    found = extract_quotes(text)
    voronov = containing(found, "We are getting signals")
    assert voronov.text.endswith("that outcome is unacceptable to us, naturally")
    assert text[voronov.start - 1] == "“"
    assert voronov.cue == "said"
    assert text[voronov.speaker_start : voronov.speaker_end] == "the president"


# --------------------------------------------------------------------------- gold-driven rules


def test_pronoun_after_an_indefinite_source_stays_anonymous() -> None:
    text = (
        CAST + "One resident, a retired teacher, said she had lost everything.\n\n"
        "“I have never seen the river like this,” she said."
    )
    quote = containing(extract_quotes(text), "never seen the river")
    assert (quote.kind, quote.speaker) == ("direct", None)


def test_organisation_by_its_head_noun() -> None:
    text = (
        "The State Emergency Service sent boats to the lower town.\n\n"
        "“Our teams have reached every street,” the service said on its website."
    )
    assert containing(extract_quotes(text), "every street").speaker == "State Emergency Service"


def test_colon_introduction_without_a_reporting_verb() -> None:
    text = (
        CAST + "Asked about the cost, Strand was blunt: “It is paid for by a foundation, not by taxpayers.”"
    )
    quote = containing(extract_quotes(text), "paid for")
    assert (quote.kind, quote.speaker) == ("direct", "Helena Strand")


def test_declined_to_say_reports_nothing() -> None:
    text = CAST + "A spokeswoman for Strand declined to say how many posts would go after that date."
    assert extract_quotes(text) == []


def test_quoted_as_saying() -> None:
    text = (
        CAST
        + "Marek was quoted by the local radio station as saying that the strike fund could last for months."
    )
    quote = only(extract_quotes(text))
    assert (quote.kind, quote.speaker) == ("indirect", "Ivo Marek")
    assert quote.text == "the strike fund could last for months"


def test_relative_pronoun_speaker_is_its_antecedent() -> None:
    text = "The winning goal came from midfielder Luca Petrov, who said he had dreamt about it since he was a boy."
    quote = only(extract_quotes(text))
    assert (quote.kind, quote.speaker) == ("indirect", "Luca Petrov")


def test_it_said_is_the_organisation() -> None:
    text = (
        "The Northern Grid Authority published its annual report on Monday. "
        "Investment in the network would double by 2030, it said."
    )
    quote = only(extract_quotes(text))
    assert (quote.kind, quote.speaker) == ("indirect", "Northern Grid Authority")


def test_dateline_is_not_part_of_reported_speech() -> None:
    text = "MARENBURG — Marenburg General Hospital postponed 300 operations this week, the hospital said on Tuesday."
    quote = only(extract_quotes(text))
    assert quote.text == "Marenburg General Hospital postponed 300 operations this week"
    assert quote.speaker == "Marenburg General Hospital"
