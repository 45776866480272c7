use super::*;

fn convert(rel: &str, text: &str) -> Converted {
    page(&Source { display: &format!("content/{rel}"), rel, text })
}

/// A recipe written the way PyTorch's `.rst` recipes are.
const RECIPE: &str = r#".. _saving-recipe:

Saving and Loading Models
=========================

**Author:** `Ann Lee <https://example.org/ann>`_, Bo Chen

Save a model's ``state_dict`` and load it back with :func:`torch.load`.

.. note::
   Use :meth:`~torch.nn.Module.load_state_dict`, not :class:`!torch.nn.Module`.

Setup
-----

Install the packages first::

   pip install torch

#. Define the model.
#. Save it with ``torch.save``; see `the docs <https://example.org/docs>`_
   and `PyTorch`_ and `Hub <https://example.org/hub>`__.

.. code-block:: python

   import torch
   print(torch.__version__)

.. _PyTorch: https://pytorch.org

Details
~~~~~~~

state_dict
   A dictionary of tensors.

:Version: 2.0

.. warning:: Loading untrusted files runs code.

.. seealso:: :doc:`../tutorials/intro` and :ref:`saving-recipe`.

.. admonition:: Good to know

   Checkpoints are plain files.

.. image:: /images/model.png
   :alt: The model
   :width: 400px

.. figure:: diagram.png
   :alt: A diagram

   The caption.

The loss is :math:`\mathcal{L} = (y - \hat{y})^2`:

.. math::

   \nabla L = 0

.. list-table:: Formats
   :header-rows: 1

   * - Format
     - Size
   * - ``.pt``
     - small

=====  =====
A      B
=====  =====
1      2
=====  =====

+------+------+
| Left | Right|
+======+======+
| x    | y    |
+------+------+

.. raw:: html

   <div class="widget">Hi</div>

.. This is a comment and is not shown.

.. |version| replace:: 2.0

Version |version| works.

.. customcarditem::
   :header: Something

:unknownrole:`text` here.
"#;

#[test]
fn an_rst_recipe_becomes_markdown_with_front_matter() {
    let converted = convert("recipes/save.rst", RECIPE);
    let markdown = &converted.markdown;
    assert!(
        markdown.starts_with(
            "---\ntitle: Saving and Loading Models\nsummary: Save a model's `state_dict` and load it back with `torch.load()`.\nauthors:\n- Ann Lee\n- Bo Chen\n---\n"
        ),
        "{markdown}"
    );
    assert!(markdown.contains("\n# Saving and Loading Models\n"), "{markdown}");
    assert!(markdown.contains("\n## Setup\n"), "{markdown}");
    assert!(markdown.contains("\n### Details\n"), "{markdown}");
    // The summary and author lines are shown by the page's header.
    assert!(!markdown.contains("**Author:**") && !markdown.contains("\nSave a model"), "{markdown}");
    // The label before the title names the page.
    assert_eq!(
        converted.labels,
        vec![Label { name: "saving-recipe".into(), anchor: String::new(), title: String::new() }]
    );
}

#[test]
fn rst_blocks_become_their_markdown_twins() {
    let markdown = convert("recipes/save.rst", RECIPE).markdown;
    for expected in [
        "> [!NOTE]\n>\n> Use [`load_state_dict()`](api:torch.nn.Module.load_state_dict), not `torch.nn.Module`.\n",
        "Install the packages first:\n\n```python ignore\npip install torch\n```\n",
        "1. Define the model.\n1. Save it with `torch.save`; see [the docs](https://example.org/docs)\n   and [PyTorch](https://pytorch.org) and [Hub](https://example.org/hub).\n",
        "```python\nimport torch\nprint(torch.__version__)\n```\n",
        "state\\_dict\n: A dictionary of tensors.\n",
        "**Version:** 2.0\n",
        "> [!WARNING]\n>\n> Loading untrusted files runs code.\n",
        "> [!NOTE] See also\n>\n> [](../tutorials/intro) and [](ref:saving-recipe).\n",
        "> [!NOTE] Good to know\n>\n> Checkpoints are plain files.\n",
        "![The model](../images/model.png)\n",
        "![A diagram](diagram.png)\n\n*The caption.*\n",
        "The loss is $\\mathcal{L} = (y - \\hat{y})^2$:\n",
        "$$\n\\nabla L = 0\n$$\n",
        "**Formats**\n\n| Format | Size |\n| --- | --- |\n| `.pt` | small |\n",
        "| A | B |\n| --- | --- |\n| 1 | 2 |\n",
        "| Left | Right |\n| --- | --- |\n| x | y |\n",
        "<div class=\"widget\">Hi</div>\n",
        "Version 2.0 works.\n",
    ] {
        assert!(markdown.contains(expected), "missing {expected:?} in\n{markdown}");
    }
    assert!(!markdown.contains("comment"), "{markdown}");
}

#[test]
fn unknown_directives_and_roles_are_warnings_at_their_line() {
    let converted = convert("recipes/save.rst", RECIPE);
    let found: Vec<(String, String)> = converted.warnings.iter().map(|w| (w.location(), w.message.clone())).collect();
    assert_eq!(
        found,
        vec![
            (
                "content/recipes/save.rst:92:4".to_owned(),
                "unknown RST directive `customcarditem`: its content is shown as plain text".to_owned()
            ),
            (
                "content/recipes/save.rst:95:1".to_owned(),
                "unknown RST role `:unknownrole:`: its text is shown as it is".to_owned()
            ),
        ]
    );
    assert!(converted.warnings.iter().all(|w| !w.is_error()));
    assert!(
        converted.markdown.contains("```text\n\n:header: Something\n```") || converted.markdown.contains("```text\n")
    );
}

#[test]
fn every_line_remembers_its_line_in_the_file() {
    let converted = convert("recipes/save.rst", RECIPE);
    let markdown = &converted.markdown;
    let at = markdown.lines().position(|l| l == "print(torch.__version__)").expect("code") + 1;
    assert_eq!(converted.origins.line_of(at), 27);
    let heading = markdown.lines().position(|l| l == "## Setup").expect("heading") + 1;
    assert_eq!(converted.origins.line_of(heading), 13);
}

#[test]
fn inline_markup_is_converted_and_plain_text_escaped() {
    let source = Source { display: "content/p.rst", rel: "p.rst", text: "" };
    let mut rst = Rst::new(&source, &[(1, ".. _Docs: https://example.org"), (2, ".. |br| replace:: **bold**")]);
    let cases = [
        ("use ``x`` and *em* and **strong**", "use `x` and *em* and **strong**"),
        ("a_b * c [d] <e> $5 | f", "a\\_b \\* c \\[d\\] \\<e\\> \\$5 \\| f"),
        (
            ":py:func:`a.b.c` and :func:`~a.b.c` and :attr:`Title <a.b>`",
            "[`a.b.c()`](api:a.b.c) and [`c()`](api:a.b.c) and [`Title`](api:a.b)",
        ),
        (
            "see Docs_ and `Docs`_ and |br|",
            "see [Docs](https://example.org) and [Docs](https://example.org) and **bold**",
        ),
        ("go to https://example.org/x.", "go to <https://example.org/x>."),
        (":kbd:`Ctrl` :guilabel:`Run` :pep:`8`", "`Ctrl` **Run** [PEP 8](https://peps.python.org/pep-0008/)"),
        ("one\n- two\n3. four\n2.0", "one\n\\- two\n3\\. four\n2.0"),
        ("``a``'s ``:math:`` role", "`a`'s `:math:` role"),
        (":class:`~a.Module`\\ s and :class:`~a.Module`s", "[`Module`](api:a.Module)s and [`Module`](api:a.Module)s"),
        (":math:`x^2`", "$x^2$"),
        ("`text`", "`text`"),
        ("using ``:ref:`label```.", "using `` :ref:`label` ``."),
        ("a | b | c and 2 * 3 ** 4", "a \\| b \\| c and 2 \\* 3 \\*\\* 4"),
        ("__init__ and snake_case_", "\\_\\_init\\_\\_ and snake\\_case\\_"),
    ];
    for (rst_text, markdown) in cases {
        assert_eq!(rst.inline(rst_text, 1), markdown, "{rst_text}");
    }
}

#[test]
fn an_rst_page_may_bring_its_own_front_matter() {
    let converted = convert("recipes/p.rst", "---\ntitle: Own\ntags: [a]\n---\nDerived\n=======\n\nFirst paragraph.\n");
    assert!(
        converted.markdown.starts_with("---\ntitle: Own\ntags: [a]\nsummary: First paragraph.\n---\n"),
        "{}",
        converted.markdown
    );
}
