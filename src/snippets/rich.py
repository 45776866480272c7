# primer's preamble for Python programs: after each block it keeps what the
# block showed besides its text output, as a notebook would: matplotlib
# figures (PNG and SVG, drawn with the Agg backend) and the value of a
# block's last expression when it has a rich form (`_repr_html_`, as pandas
# DataFrames do, `_repr_svg_`, `_repr_png_`, `_repr_markdown_`). Files go to
# $PRIMER_OUTPUTS as <block>-<n>.<ext>; primer reads them after the run.
#
# A block's last expression is only displayed when the program is run again
# from its syntax tree: the preamble parses the file, wraps each block's
# last expression statement in a call that keeps its value, and runs the
# tree compiled under the file's own name, so line numbers in tracebacks do
# not change. Without $PRIMER_OUTPUTS, nothing of this happens.
def __primer_ipython():
    # Blocks written for IPython (notebook cells, `ipython` fences) reach
    # it through get_ipython(), as IPython's own translation of `%magic`
    # and `!shell` lines does. The shell shares the program's namespace,
    # so `%timeit f()` sees `f`; `%matplotlib` changes nothing, since
    # figures are kept after every block already.
    import sys

    main = sys.modules["__main__"]
    if "get_ipython" in main.__dict__:
        return

    def get_ipython():
        try:
            from IPython.core.interactiveshell import InteractiveShell
            from traitlets.config import Config
        except ImportError:
            raise RuntimeError(
                "this block uses IPython syntax (a %magic or a !shell line) and IPython is not installed "
                "for " + sys.executable + ": install it with `" + sys.executable + " -m pip install ipython`"
            ) from None
        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "NoColor"
        shell = InteractiveShell.instance(config=config, user_module=main, user_ns=main.__dict__)
        shell.register_magic_function(lambda line: None, "line", "matplotlib")
        main.get_ipython = lambda: shell
        return shell

    main.get_ipython = get_ipython
    starts = []

    def cell(source):
        # A cell is compiled when it runs, as Jupyter compiles it: a syntax
        # error fails its own cell. Its lines are the file's own lines from
        # the `__primer_cell(` call on, so tracebacks name them.
        import ast

        path = getattr(main, "__file__", "<cell>")
        if not starts:
            with open(path, encoding="utf-8") as file:
                tree = ast.parse(file.read(), path)
            starts.extend(
                node.lineno
                for node in ast.walk(tree)
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__primer_cell"
            )
            starts.sort(reverse=True)
        first = starts.pop() if starts else 1
        try:
            tree = ast.parse("\n" * (first - 1) + source, path)
        except SyntaxError as error:
            import traceback

            traceback.print_exception(type(error), error, None)
            sys.exit(1)
        last = tree.body[-1] if tree.body else None
        if "__primer_show" in main.__dict__ and __primer_shows(last):
            __primer_show_value(last)
        __primer_exec(tree, path)

    main.__primer_cell = cell


def __primer_setup():
    import atexit
    import os
    import sys

    folder = os.environ.get("PRIMER_OUTPUTS")
    main = sys.modules["__main__"]
    if not folder or getattr(main, "__primer_block", None) is not None:
        return
    os.environ.setdefault("MPLBACKEND", "Agg")
    state = {"block": 0, "count": 0}

    def write(extension, data):
        name = os.path.join(folder, "%d-%d.%s" % (state["block"], state["count"], extension))
        state["count"] += 1
        with open(name, "wb") as file:
            file.write(data if isinstance(data, bytes) else data.encode("utf-8"))

    def figures():
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is None:
            return
        import io

        # The same figure makes the same bytes: no date, no random ids.
        pyplot.rcParams["svg.hashsalt"] = "primer"
        for number in pyplot.get_fignums():
            figure = pyplot.figure(number)
            for extension in ("png", "svg"):
                buffer = io.BytesIO()
                metadata = {"Date": None} if extension == "svg" else {"Software": None}
                figure.savefig(buffer, format=extension, bbox_inches="tight", metadata=metadata)
                write(extension, buffer.getvalue())
            pyplot.close(figure)

    def show(value):
        for method, extension in (
            ("_repr_html_", "html"),
            ("_repr_svg_", "svg"),
            ("_repr_png_", "png"),
            ("_repr_markdown_", "md"),
        ):
            render = getattr(value, method, None)
            if callable(render) and not isinstance(value, type):
                try:
                    data = render()
                except Exception:
                    continue
                if data:
                    write(extension, data)
                    return
        return value

    def next_block(marker):
        figures()
        state["block"] = int(marker.rsplit("-", 1)[1])
        state["count"] = 0
        print(marker, flush=True)
        sys.stderr.write(marker + "\n")
        sys.stderr.flush()

    main.__primer_show = show
    main.__primer_next = next_block
    main.__primer_block = state
    atexit.register(figures)
    # matplotlib warns that Agg cannot show a window: nothing to show.
    import warnings

    warnings.filterwarnings("ignore", message=".*non-interactive.*")
    path = getattr(main, "__file__", None)
    if not path:
        return
    # Its arguments are taken now: a page may clear its namespace.
    atexit.register(__primer_versions, folder, path, PRIMER_PREAMBLE_LINES)
    import ast

    with open(path, encoding="utf-8") as file:
        tree = ast.parse(file.read(), path)
    body = [node for node in tree.body if getattr(node, "lineno", 0) > PRIMER_PREAMBLE_LINES]
    changed = False
    def is_marker(node):
        return any(
            isinstance(part, ast.Constant) and isinstance(part.value, str) and part.value.startswith("@@primer-block-")
            for part in ast.walk(node)
        )

    changed = False
    for at, node in enumerate(body):
        following = body[at + 1] if at + 1 < len(body) else None
        if (following is None or is_marker(following)) and not is_marker(node) and __primer_shows(node):
            __primer_show_value(node)
            changed = True
    if not changed:
        return
    tree.body = body
    __primer_exec(tree, path)
    sys.exit(0)


def __primer_versions(folder, path, preamble_lines):
    # What the page was verified with: this interpreter's version, and the
    # distribution and version of each top-level package that the program's
    # own import statements name (cells included), as this interpreter's
    # metadata gives them. The standard library and modules beside the page
    # have no distribution and are left out.
    try:
        import json
        import os
        import re
        import sys

        with open(path, encoding="utf-8") as file:
            text = "\n".join(file.read().split("\n")[preamble_lines:])
        # A cell's code starts on the line of its `__primer_cell("""`.
        text = text.replace('__primer_cell("""', "\n")
        names = set()
        for match in re.finditer(r"(?m)^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)|import[ \t]+([\w. \t,]+))", text):
            if match.group(1):
                names.add(match.group(1))
            else:
                names.update(part.split()[0].split(".")[0] for part in match.group(2).split(",") if part.split())
        here = os.getcwd() + os.sep
        skip = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
        found, by_module = {}, None
        names -= skip
        if names:
            # Imported only when needed: it costs a page with no imports.
            from importlib import metadata
        for name in sorted(names):
            module = sys.modules.get(name)
            if module is None or os.path.abspath(getattr(module, "__file__", None) or here).startswith(here):
                continue
            try:
                dist = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                # The module's distribution has another name: PIL, Pillow.
                if by_module is None:
                    by_module = metadata.packages_distributions()
                dist = None
                for candidate in by_module.get(name, []):
                    try:
                        dist = metadata.distribution(candidate)
                        break
                    except metadata.PackageNotFoundError:
                        pass
            if dist is not None and dist.version:
                found[dist.metadata["Name"] or name] = dist.version
        with open(os.path.join(folder, "versions.json"), "w", encoding="utf-8") as file:
            json.dump({"python": "%d.%d.%d" % sys.version_info[:3], "packages": found}, file)
    except Exception:
        pass


def __primer_shows(node):
    # A block ending in print(...) or an assignment shows nothing more; a
    # cell shows its own.
    import ast

    if not isinstance(node, ast.Expr):
        return False
    call = node.value
    return not (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in ("print", "__primer_cell")
    )


def __primer_show_value(node):
    # The expression statement `node` keeps its value: __primer_show(value).
    import ast

    call = ast.Call(func=ast.Name(id="__primer_show", ctx=ast.Load()), args=[node.value], keywords=[])
    node.value = ast.copy_location(call, node.value)


def __primer_exec(tree, path):
    # Runs a syntax tree in the program's namespace. An error is shown from
    # the program's own frames, as `python file.py` shows it.
    import ast
    import sys

    code = compile(ast.fix_missing_locations(tree), path, "exec")
    try:
        exec(code, sys.modules["__main__"].__dict__)
    except SystemExit:
        raise
    except BaseException as error:
        import traceback

        traceback.print_exception(type(error), error, error.__traceback__.tb_next)
        sys.exit(1)


PRIMER_PREAMBLE_LINES = 0
__primer_ipython()
__primer_setup()
