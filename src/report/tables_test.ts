// The three ways reports draw a table (the terminal's, Markdown, HTML) and a page, on hostile text.

import assert from "node:assert/strict";
import { chinese, htmlPage, htmlTable, keyValues, num, statusCell } from "./html.ts";
import { markdownTable } from "./markdown.ts";
import { textTable } from "./text_table.ts";

Deno.test("text tables pad to the widest cell, a Chinese character two columns, numbers to the right", () => {
  assert.equal(
    textTable(["prefix", "ppl"], [["分开", "1.5"], ["a", "120.25"]], [false, true]),
    [
      "prefix     ppl",
      "------  ------",
      "分开       1.5",
      "a       120.25",
    ].join("\n"),
  );
});

Deno.test("Markdown tables escape pipes and line breaks, and right-align where asked", () => {
  assert.equal(
    markdownTable(["a", "b"], [["x|y", "1\n2"]], [false, true]),
    "| a | b |\n| --- | ---: |\n| x\\|y | 1 2 |",
  );
});

Deno.test("HTML tables and pages escape every text, mark numbers, missing values and Chinese", () => {
  const hostile = `<script>alert("x")</script>&`;
  const table = htmlTable(["name", "n"], [[hostile, 3], [null, num("4")]], { stack: true }).html;
  assert.ok(!table.includes("<script>"), table);
  assert.match(
    table,
    /<td data-label="name">&#60;script&#62;alert\(&#34;x&#34;\)&#60;\/script&#62;&#38;<\/td>/,
  );
  assert.match(table, /<td class="num" data-label="n">3<\/td>/);
  assert.match(table, /<td class="none" data-label="name">—<\/td>/);
  assert.match(table, /^<div class="scroll stack">/);
  assert.equal(chinese("分<开").html, '<span lang="zh">分&#60;开</span>');
  assert.equal(keyValues([["k", "v"]]).html, '<dl class="kv"><dt>k</dt><dd>v</dd></dl>');
  assert.equal(statusCell("diverged").cls, "status-diverged");
  const page = htmlPage({
    title: hostile,
    subtitle: "a & b",
    sections: [{ heading: "h", body: num("1") }],
  });
  assert.ok(!page.includes("<script>"));
  assert.match(page, /<title>&#60;script&#62;/);
  assert.match(page, /<p class="sub">a &#38; b<\/p>/);
  assert.match(page, /<section><h2>h<\/h2>\n1<\/section>/);
  assert.doesNotMatch(page, /<(link|script|img)[ >]/, "a page loads nothing");
});
