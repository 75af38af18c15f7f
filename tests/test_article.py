import pytest

from medinfo.article import ArticleError, parse_article
from medinfo.builder import Rules


@pytest.fixture(scope="module")
def boilerplate():
    return Rules.load().boilerplate


def test_parses_the_article_parts(article_text, boilerplate):
    article = parse_article(article_text, "ci.txt", boilerplate)
    assert article.title == "Cervical Insufficiency"
    assert article.aliases == ["Cervical Incompetence"]
    assert article.author == "Antonette T. Dulay, MD"
    assert article.definition.startswith("Cervical insufficiency is painless opening")
    assert len(article.key_points) == 4
    assert article.key_points[0].startswith("Connective tissue disorders")


def test_removes_site_boilerplate(article_text, boilerplate):
    article = parse_article(article_text, "ci.txt", boilerplate)
    body = " ".join(item for block in article.body for item in block.items)
    for line in boilerplate:
        assert line not in body
    assert body.endswith("reduce the risk of a preterm delivery.")


def test_blank_line_gaps_mark_segments(article_text, boilerplate):
    article = parse_article(article_text, "ci.txt", boilerplate)
    assert [b.segment for b in article.body] == [0, 1, 1, 1, 2, 3, 3, 4, 4]
    assert [len(b.items) for b in article.body if b.bullets] == [5]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "no text"),
        ("Not Found\n\nResources In This Article\n", "no text"),
        ("Title\n\nNo byline here.\n\nBody.\n", "no author line"),
        ("Title\n\nBy Someone, MD\n", "no lead definition"),
        ("Title\n\nBy Someone, MD\n\nA definition.\n", "no body"),
        ("  • a bullet first\n\nBy X\n", "not a title"),
    ],
)
def test_unreadable_articles_name_file_and_problem(text, problem, boilerplate):
    with pytest.raises(ArticleError) as error:
        parse_article(text, "broken.txt", boilerplate)
    assert str(error.value).startswith("broken.txt: ")
    assert problem in str(error.value)
