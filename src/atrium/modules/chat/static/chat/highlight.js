// A tiny code highlighter: comments, strings, numbers and common keywords, for code blocks
// the server rendered with class="language-xxx". It reads the block's text and rebuilds it
// from text nodes and <span class="hl-…"> only, so nothing in the code can become markup.
const KEYWORDS = new Set((
  "as async await break case catch class const continue def default del do elif else enum " +
  "except export extends false finally fn for from func function go if impl import in " +
  "interface is lambda let loop match mod module mut new nil none not null or package pass " +
  "private protected pub public raise return self select static struct super switch this " +
  "throw trait true try type typeof use var void while with yield and true false None True " +
  "False SELECT FROM WHERE INSERT UPDATE DELETE JOIN ON GROUP BY ORDER LIMIT INTO VALUES AS"
).split(" "));
const HASH_COMMENTS = new Set(["python", "py", "sh", "bash", "shell", "ruby", "rb", "yaml",
  "yml", "toml", "perl", "r", "make", "makefile", "dockerfile", "ini", "conf"]);
const SQL = new Set(["sql", "psql", "mysql", "sqlite"]);

function pattern(lang) {
  const comments = [];
  if (!HASH_COMMENTS.has(lang)) comments.push(String.raw`\/\/[^\n]*`, String.raw`\/\*[\s\S]*?\*\/`);
  if (HASH_COMMENTS.has(lang) || lang === "") comments.push(String.raw`#[^\n]*`);
  if (SQL.has(lang)) comments.push(String.raw`--[^\n]*`);
  const strings = String.raw`"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\x60(?:[^\x60\\]|\\.)*\x60`;
  return new RegExp(`(${comments.join("|") || "(?!)"})|(${strings})|(\\b\\d[\\d_.]*(?:e[+-]?\\d+)?\\b)|([A-Za-z_][\\w$]*)`, "g");
}

function highlightBlock(code) {
  if (code.dataset.highlighted) return;
  code.dataset.highlighted = "1";
  const text = code.textContent;
  if (text.length > 20000) return;
  const lang = (code.className.match(/language-([\w+-]+)/) || ["", ""])[1].toLowerCase();
  const re = pattern(lang);
  const out = document.createDocumentFragment();
  let last = 0, match;
  const push = (cls, value) => {
    const span = document.createElement("span");
    span.className = cls; span.textContent = value; out.append(span);
  };
  while ((match = re.exec(text)) !== null) {
    const [token, comment, string, number, word] = match;
    let cls = null;
    if (comment) cls = "hl-c";
    else if (string) cls = "hl-s";
    else if (number) cls = "hl-n";
    else if (word && KEYWORDS.has(word)) cls = "hl-k";
    if (!cls) continue;
    if (match.index > last) out.append(text.slice(last, match.index));
    push(cls, token);
    last = match.index + token.length;
  }
  if (last < text.length) out.append(text.slice(last));
  code.replaceChildren(out);
}

function highlightWithin(root) {
  for (const code of root.querySelectorAll("pre > code")) highlightBlock(code);
}

window.atriumChat = Object.assign(window.atriumChat || {}, {highlightWithin});
