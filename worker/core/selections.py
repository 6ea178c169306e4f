"""trafilatura's selection XPaths, evaluated in Python: the same elements, in the same order, in a fraction of
the time.

libxml2 evaluates an expression like `.//*[self::div][re:test(@class, '…') or contains(@id, '…')]` by calling
back into Python's `re` for every element and every `re:test`, and by building a string object for every
`contains`: about 15 ms a page on the dev sets for the expressions replaced here. `translated` reads the small
part of XPath those expressions are written in and turns each bracket into one regular expression per
attribute, so an element costs a few attribute reads. An expression outside that part is refused with
`Untranslatable`, and trafilatura's own XPath stays in use for it.

The part read: `.//*` or `.//name`, optionally in parentheses, followed by brackets that must all hold (`[1]`
as the last one: the first match); a bracket is terms joined by `or`; a term is `self::name`,
`not(self::a or self::b)`, `not(.//name)`, `@name`, `@name='value'`, or `re:test`, `contains` or `starts-with`
of `@name`, of `@a|@b` (the first of the two on the element) or of `translate(@name, 'AB', 'ab')`; and
expressions joined by `|`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import lru_cache

import trafilatura.core
import trafilatura.main_extractor
from lxml import etree
from lxml.html import HtmlElement

from worker.core.patching import replaced

_TOKEN = re.compile(
    r"""\s*(?:(?P<string>'[^']*'|"[^"]*")|(?P<number>\d+)|(?P<name>[A-Za-z_][\w\-]*(?::[A-Za-z_][\w\-]*)?)"""
    r"""|(?P<op>\.//|::|[\[\]()|,=@*]))"""
)
_NEVER = "(?!)"
PREDICATE_CACHE_SIZE = 4096  # attribute values per test: a page has a few hundred distinct class names
_FUNCTIONS = ("re:test", "contains", "starts-with")


class Untranslatable(ValueError):
    """The expression uses XPath outside the part read here."""


def _first_present(element: HtmlElement, names: tuple[str, ...]) -> str | None:
    """The string value of `@a|@b`: the one of them that comes first on the element."""
    values = [value for name in names if (value := element.get(name)) is not None]
    if len(values) < 2:  # most elements: no need to read the order of their attributes
        return values[0] if values else None
    return element.get(next(name for name in element.keys() if name in names))


@dataclass(frozen=True, slots=True)
class _Bracket:
    """Terms joined by `or`. The tests on one attribute are one pattern, kept as a predicate on the value."""

    tags: frozenset[str]  # self::name
    tags_not: frozenset[str] | None  # not(self::a or self::b)
    attributes: tuple[tuple[str, Callable[[str], bool]], ...]  # @name
    unions: tuple[tuple[tuple[str, ...], Callable[[str], bool]], ...]  # @a|@b
    without_descendant: tuple[str, ...]  # not(.//name)

    def holds(self, element: HtmlElement) -> bool:
        if self.tags or self.tags_not is not None:
            tag = element.tag
            if tag in self.tags or (self.tags_not is not None and tag not in self.tags_not):
                return True
        get = element.get
        for name, matches in self.attributes:
            if (value := get(name)) is not None and matches(value):
                return True
        for names, matches in self.unions:
            if (value := _first_present(element, names)) is not None and matches(value):
                return True
        if self.without_descendant:
            return any(next(element.iterdescendants(name), None) is None for name in self.without_descendant)
        return False


ALL, OVERALL, PER_PARENT = "all", "overall", "per parent"  # `…`, `(…)[1]`, `…[1]` (the first child of each parent)


@dataclass(frozen=True, slots=True)
class _Path:
    tags: tuple[str, ...] | None  # what the step's name test and a first bracket of self:: terms admit
    brackets: tuple[_Bracket, ...]
    first: str = ALL
    # When every bracket reads attributes only, an element without any of the first's cannot match: libxml2
    # leaves those out without a call into Python, and no Python object is made for them.
    having: etree.XPath | None = None

    def candidates(self, tree: HtmlElement) -> Iterator[HtmlElement]:
        return iter(self.having(tree)) if self.having is not None else _descendants(tree, self.tags)

    def holds(self, element: HtmlElement) -> bool:
        for bracket in self.brackets:  # a loop, not all(): this runs millions of times a minute
            if not bracket.holds(element):
                return False
        return True

    def elements(self, tree: HtmlElement) -> Iterator[HtmlElement]:
        holds = self.brackets[0].holds if len(self.brackets) == 1 else self.holds
        chosen_parents = set()
        for element in self.candidates(tree):
            if not holds(element):
                continue
            if self.first == PER_PARENT:
                if (parent := element.getparent()) in chosen_parents:
                    continue
                chosen_parents.add(parent)
            yield element
            if self.first == OVERALL:
                return


@dataclass(frozen=True, slots=True)
class Selection:
    """What a translated expression selects below the element it is called on, in document order."""

    paths: tuple[_Path, ...]
    path: str  # the text of the XPath it was translated from, as lxml's XPath objects keep theirs

    def __call__(self, tree: HtmlElement) -> list[HtmlElement]:
        return list(self.elements(tree))

    def elements(self, tree: HtmlElement) -> Iterator[HtmlElement]:
        if len(self.paths) == 1:
            return self.paths[0].elements(tree)
        return self._union(tree)

    def _union(self, tree: HtmlElement) -> Iterator[HtmlElement]:
        """`a | b`: in one walk, an element is selected when one of the paths selects it."""
        pending = list(self.paths)  # a `(…)[1]` path is done once it has selected its element
        # The paths an element's tag admits, looked up once per element rather than asked of every path.
        any_tag = tuple(index for index, path in enumerate(self.paths) if path.tags is None)
        by_tag: dict[str, tuple[int, ...]] = {}
        for index, path in enumerate(self.paths):
            for tag in path.tags or ():
                by_tag[tag] = (*by_tag.get(tag, ()), index)
        for element in _descendants(tree, _union_of_tags(self.paths)):
            selected = False
            for index in by_tag.get(element.tag, ()) + any_tag:
                if (path := pending[index]) is not None and path.holds(element):
                    selected = True
                    if path.first == OVERALL:
                        pending[index] = None
            if selected:
                yield element
            if not any(pending):
                return


def _descendants(tree: HtmlElement, tags: tuple[str, ...] | None) -> Iterator[HtmlElement]:
    """`.//name` or `.//*`: elements only, without comments and processing instructions."""
    return tree.iterdescendants(*tags) if tags else tree.iterdescendants(etree.Element)


def _union_of_tags(paths: tuple[_Path, ...]) -> tuple[str, ...] | None:
    if any(path.tags is None for path in paths):
        return None
    return tuple(dict.fromkeys(tag for path in paths for tag in path.tags))


def translated(xpath: etree.XPath) -> Selection:
    """The expression as a `Selection`; `Untranslatable` if it is written outside the part read here."""
    parser = _Parser(xpath.path)
    paths = [parser.path()]
    while parser.accept("|"):
        paths.append(parser.path())
    parser.end()
    if len(paths) > 1 and any(path.first == PER_PARENT for path in paths):
        raise Untranslatable("a union with a `…[1]` path")
    return Selection(tuple(paths), xpath.path)


class _Parser:
    def __init__(self, text: str):
        self.tokens: list[str] = []
        position, text = 0, text.rstrip()
        while position < len(text):
            if (match := _TOKEN.match(text, position)) is None:
                raise Untranslatable(f"cannot read {text[position:position + 20]!r}")
            self.tokens.append(match.group().strip())
            position = match.end()
        self.position = 0

    def peek(self, ahead: int = 0) -> str | None:
        index = self.position + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def accept(self, token: str) -> bool:
        if self.peek() == token:
            self.position += 1
            return True
        return False

    def expect(self, token: str) -> None:
        if not self.accept(token):
            raise Untranslatable(f"expected {token!r}, found {self.peek()!r}")

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise Untranslatable("the expression ends too soon")
        self.position += 1
        return token

    def name(self) -> str:
        token = self.take()
        if not re.fullmatch(r"[A-Za-z_][\w\-]*", token):
            raise Untranslatable(f"expected a name, found {token!r}")
        return token

    def string(self) -> str:
        token = self.take()
        if token[:1] not in "'\"" or len(token) < 2:
            raise Untranslatable(f"expected a string, found {token!r}")
        return token[1:-1]

    def end(self) -> None:
        if self.peek() is not None:
            raise Untranslatable(f"unexpected {self.peek()!r}")

    def path(self) -> _Path:
        if self.accept("("):
            tags, brackets, first = self.step()
            self.expect(")")
            if first or not self.first_position():
                raise Untranslatable("a parenthesized path is read with [1] after it only")
            return _path(tags, brackets, OVERALL)
        tags, brackets, first = self.step()
        return _path(tags, brackets, PER_PARENT if first else ALL)

    def step(self) -> tuple[tuple[str, ...] | None, list[_Bracket], bool]:
        self.expect(".//")
        tags = None if self.accept("*") else (self.name(),)
        brackets, first = [], False
        while self.peek() == "[":
            if self.first_position():
                first = True
                break
            self.expect("[")
            brackets.append(self.bracket())
            self.expect("]")
        return tags, brackets, first

    def first_position(self) -> bool:
        if self.peek() == "[" and self.peek(1) == "1" and self.peek(2) == "]":
            self.position += 3
            return True
        if self.peek() == "[" and (self.peek(1) or "").isdigit():
            raise Untranslatable("only the position [1] is read")
        return False

    def bracket(self) -> _Bracket:
        tags, tags_not, descendants = set(), None, []
        tests: dict[tuple[str, ...], list[str]] = {}
        while True:
            if self.accept("self"):
                self.expect("::")
                tags.add(self.name())
            elif self.accept("not"):
                self.expect("(")
                if self.accept(".//"):
                    descendants.append(self.name())
                else:
                    if tags_not is not None:
                        raise Untranslatable("two not(self::…) in one bracket")
                    tags_not = self.tag_list()
                self.expect(")")
            elif self.peek() == "@":
                names, pattern = self.attribute_term()
                tests.setdefault(names, []).append(pattern)
            elif self.peek() in _FUNCTIONS:
                names, pattern = self.function_term()
                tests.setdefault(names, []).append(pattern)
            else:
                raise Untranslatable(f"cannot read the term at {self.peek()!r}")
            if not self.accept("or"):
                break
        predicates = {names: _predicate("|".join(f"(?:{pattern})" for pattern in patterns))
                      for names, patterns in tests.items()}
        return _Bracket(frozenset(tags), tags_not,
                        tuple((names[0], matches) for names, matches in predicates.items() if len(names) == 1),
                        tuple((names, matches) for names, matches in predicates.items() if len(names) > 1),
                        tuple(descendants))

    def tag_list(self) -> frozenset[str]:
        names = set()
        while True:
            self.expect("self")
            self.expect("::")
            names.add(self.name())
            if not self.accept("or"):
                return frozenset(names)

    def attributes(self) -> tuple[str, ...]:
        names = []
        while True:
            self.expect("@")
            names.append(self.name())
            if not self.accept("|"):
                return tuple(names)

    def attribute_term(self) -> tuple[tuple[str, ...], str]:
        names = self.attributes()
        if len(names) > 1:
            raise Untranslatable("a union of attributes is read inside a function only")
        if self.accept("="):
            return names, rf"\A{re.escape(self.string())}\Z"
        return names, ""  # the attribute is there, whatever its value

    def function_term(self) -> tuple[tuple[str, ...], str]:
        function = self.take()
        self.expect("(")
        mapping = None
        if function != "re:test" and self.accept("translate"):
            self.expect("(")
            names = self.attributes()
            self.expect(",")
            source = self.string()
            self.expect(",")
            mapping = (source, self.string())
            self.expect(")")
        else:
            names = self.attributes()
        self.expect(",")
        argument = self.string()
        flags = ""
        if function == "re:test" and self.accept(","):
            flags = self.string()
        self.expect(")")
        if function == "re:test":
            if flags.strip("i"):
                raise Untranslatable(f"re:test flags {flags!r}")
            if re.search(r"\\\d|\(\?P[=<]", argument):
                raise Untranslatable("a pattern with groups that a joined pattern would renumber")
            pattern = f"(?i:{argument})" if flags else argument
        else:
            needle = _translated_needle(argument, mapping)
            pattern = rf"\A{needle}" if function == "starts-with" else needle
        if re.search(pattern, "") is not None:  # XPath tests a missing attribute as ''
            raise Untranslatable("a test that holds on an element without the attribute")
        return names, pattern


def _predicate(pattern: str) -> Callable[[str], bool]:
    """Whether the pattern is found in a value. Remembered: a page repeats its class names on hundreds of
    elements, and the answer looked up costs less than the search of a long alternation."""
    search = re.compile(pattern).search
    return lru_cache(maxsize=PREDICATE_CACHE_SIZE)(lambda value: search(value) is not None)


def _translated_needle(needle: str, mapping: tuple[str, str] | None) -> str:
    """A pattern for `needle` in `translate(value, source, target)`: a character of the needle matches the
    characters of the value that translate maps to it."""
    if mapping is None:
        return re.escape(needle)
    source, target = mapping
    if len(source) != len(target) or len(set(source)) != len(source):
        raise Untranslatable("translate that deletes characters, or maps one twice")
    parts = []
    for char in needle:
        matches = {original for original, result in zip(source, target, strict=True) if result == char}
        if char not in source:
            matches.add(char)
        parts.append("[" + "".join(re.escape(match) for match in sorted(matches)) + "]" if matches else _NEVER)
    return "".join(parts)


def _path(tags: tuple[str, ...] | None, brackets: list[_Bracket], first: str) -> _Path:
    """The step's name test and a first bracket of self:: terms alone become the tag filter."""
    if tags is None and brackets and _only_tags(brackets[0]):
        tags, brackets = tuple(sorted(brackets[0].tags)), brackets[1:]
    return _Path(tags, tuple(brackets), first, _having(tags, brackets))


def _having(tags: tuple[str, ...] | None, brackets: list[_Bracket]) -> etree.XPath | None:
    if not brackets or any(bracket.tags or bracket.tags_not is not None or bracket.without_descendant
                           for bracket in brackets):
        return None
    names = [name for name, _ in brackets[0].attributes] + [name for names, _ in brackets[0].unions for name in names]
    name_test = f"[{' or '.join(f'self::{tag}' for tag in tags)}]" if tags else ""
    return etree.XPath(f".//*{name_test}[{' or '.join(f'@{name}' for name in dict.fromkeys(names))}]")


def _only_tags(bracket: _Bracket) -> bool:
    return bool(bracket.tags) and bracket.tags_not is None and not (
        bracket.attributes or bracket.unions or bracket.without_descendant)


# The expressions (lists of them, or one) replaced during our calls, each in the module that reads it, and what
# each cost as XPath (ms a page over 481 dev pages): BODY_XPATH 7.5, the raw-tree and comment pruning 5.9,
# teasers 0.8, captions 0.6; the baseline's cleaning, before the page measure and jusText, 10 on the pages it
# runs on (5 in Python).
REPLACED = {
    "BODY_XPATH": trafilatura.main_extractor,
    "DISCARD_IMAGE_ELEMENTS": trafilatura.main_extractor,
    "TEASER_DISCARD_XPATH": trafilatura.main_extractor,
    "RAW_TREE_PRUNE_XPATH": trafilatura.core,
    "REMOVE_COMMENTS_AND_LISTS_XPATH": trafilatura.core,
    # the module, which `trafilatura.baseline` is not: the package's function of that name shadows it
    "BASIC_CLEAN_XPATH": importlib.import_module("trafilatura.baseline"),
}


@contextmanager
def in_python() -> Iterator[None]:
    """trafilatura evaluates the expressions of `REPLACED` in Python inside the block."""
    with ExitStack() as stack:
        for name, module in REPLACED.items():
            stack.enter_context(replaced(module, name, _TRANSLATIONS[name]))
        yield


def _translation(expressions: etree.XPath | list[etree.XPath]) -> Selection | list[Selection]:
    return [translated(xpath) for xpath in expressions] if isinstance(expressions, list) else translated(expressions)


_TRANSLATIONS = {name: _translation(getattr(module, name)) for name, module in REPLACED.items()}
