//! `cargo xtask cycles`: the file-level import graph of each hand-written
//! crate, checked for cycles and, in the client, for its layer rule.
//!
//! Each `src/` is read as tokens (so comments and doc text never count):
//! `mod` declarations give the module tree, `use` items and qualified paths
//! (`crate::a::B`, `super::B`, `child::B`, `$crate::B`, and
//! `"crate::a::f"` strings in attributes such as serde's) give the edges. A
//! path is followed through re-exports (`pub use`, globs) to the file that
//! defines its item, so `crate::Error` is an edge to `error.rs`, not to
//! `lib.rs`; a `use` that names a module is an alias, not an edge. Items
//! under `#[cfg(test)]` are skipped: a unit test may use what its module's
//! callers use. The generated crate (`telnyx-accounts-gen`) is not read.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// The crates checked, relative to the workspace root.
pub const CRATES: &[&str] = &["telnyx-accounts", "telnyx-accounts-mock", "xtask"];

/// The client's layers, top first, each by the files (relative to `src/`)
/// or folders (ending in `/`) it holds. An import may only point to its own
/// layer or one below it.
pub const CLIENT_LAYERS: &[(&str, &[&str])] = &[
    ("root", &["lib.rs", "fuzzing.rs", "guide.rs"]),
    ("api", &["api/"]),
    ("runtime", &["runtime/"]),
    ("models", &["models/"]),
    ("base", &["error.rs", "secret.rs"]),
];

/// One crate's file graph: each file (relative to `src/`) and the files it
/// imports from.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Graph {
    /// Every file, with the files it imports from (never itself).
    pub edges: BTreeMap<String, BTreeSet<String>>,
}

impl Graph {
    /// How many arrows between files.
    pub fn edge_count(&self) -> usize {
        self.edges.values().map(BTreeSet::len).sum()
    }

    /// Each cycle (one per strongly connected group of files), as the files
    /// in order with the first repeated at the end.
    pub fn cycles(&self) -> Vec<Vec<String>> {
        let mut cycles = Vec::new();
        for group in self.strongly_connected() {
            if group.len() > 1 {
                cycles.push(self.cycle_in(&group));
            }
        }
        cycles
    }

    /// The number of levels: the longest chain of imports, counted in files
    /// (a graph with a cycle has none; 0 then).
    pub fn levels(&self) -> usize {
        if !self.cycles().is_empty() {
            return 0;
        }
        let mut depth: BTreeMap<&str, usize> = BTreeMap::new();
        fn visit<'a>(g: &'a Graph, f: &'a str, depth: &mut BTreeMap<&'a str, usize>) -> usize {
            if let Some(&d) = depth.get(f) {
                return d;
            }
            let d = 1 + g.edges[f]
                .iter()
                .map(|t| visit(g, t, depth))
                .max()
                .unwrap_or(0);
            depth.insert(f, d);
            d
        }
        self.edges
            .keys()
            .map(|f| visit(self, f, &mut depth))
            .max()
            .unwrap_or(0)
    }

    /// Tarjan's algorithm (recursive: a few dozen files deep at most).
    fn strongly_connected(&self) -> Vec<Vec<String>> {
        struct State<'a> {
            index: BTreeMap<&'a str, usize>,
            low: BTreeMap<&'a str, usize>,
            stack: Vec<&'a str>,
            on_stack: BTreeSet<&'a str>,
            groups: Vec<Vec<String>>,
        }
        fn connect<'a>(g: &'a Graph, v: &'a str, s: &mut State<'a>) {
            let i = s.index.len();
            s.index.insert(v, i);
            s.low.insert(v, i);
            s.stack.push(v);
            s.on_stack.insert(v);
            for w in &g.edges[v] {
                let w = w.as_str();
                if !s.index.contains_key(w) {
                    connect(g, w, s);
                    let low = s.low[v].min(s.low[w]);
                    s.low.insert(v, low);
                } else if s.on_stack.contains(w) {
                    let low = s.low[v].min(s.index[w]);
                    s.low.insert(v, low);
                }
            }
            if s.low[v] == s.index[v] {
                let mut group = Vec::new();
                while let Some(w) = s.stack.pop() {
                    s.on_stack.remove(w);
                    group.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                group.sort();
                s.groups.push(group);
            }
        }
        let mut s = State {
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            groups: Vec::new(),
        };
        for v in self.edges.keys() {
            if !s.index.contains_key(v.as_str()) {
                connect(self, v, &mut s);
            }
        }
        s.groups
    }

    /// A shortest cycle through the group's first file, within the group.
    fn cycle_in(&self, group: &[String]) -> Vec<String> {
        let start = group[0].as_str();
        let inside: BTreeSet<&str> = group.iter().map(String::as_str).collect();
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(v) = queue.pop_front() {
            for w in &self.edges[v] {
                let w = w.as_str();
                if w == start {
                    // start -> ... -> v, then back to start.
                    let mut back = vec![v];
                    while let Some(&prev) = came_from.get(back[back.len() - 1]) {
                        back.push(prev);
                    }
                    let mut cycle: Vec<String> = back.iter().rev().map(|f| f.to_string()).collect();
                    if cycle.first().map(String::as_str) != Some(start) {
                        cycle.insert(0, start.to_owned());
                    }
                    cycle.push(start.to_owned());
                    return cycle;
                }
                if inside.contains(w) && !came_from.contains_key(w) {
                    came_from.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        group.to_vec()
    }

    /// The edges that break `layers` (top first): into a layer above the
    /// file's own, or from a file no layer holds.
    pub fn layer_violations(&self, layers: &[(&str, &[&str])]) -> Vec<String> {
        let rank = |file: &str| {
            layers.iter().position(|(_, members)| {
                members.iter().any(|m| {
                    if m.ends_with('/') {
                        file.starts_with(m)
                    } else {
                        file == *m
                    }
                })
            })
        };
        let mut out = Vec::new();
        for (from, tos) in &self.edges {
            let Some(r) = rank(from) else {
                out.push(format!("{from}: in no layer (add it to CLIENT_LAYERS)"));
                continue;
            };
            for to in tos {
                match rank(to) {
                    Some(t) if t >= r => {}
                    Some(t) => out.push(format!(
                        "{from} ({}) -> {to} ({}): an import into a layer above",
                        layers[r].0, layers[t].0
                    )),
                    None => {}
                }
            }
        }
        out
    }
}

/// Runs the check on the workspace at `root`: a summary line per crate,
/// and whether every crate passed. With `edges`, every import too (`from -> to`).
pub fn run(root: &Path, edges: bool) -> Result<(Vec<String>, bool), String> {
    let mut report = Vec::new();
    let mut clean = true;
    for name in CRATES {
        let src = root.join(name).join("src");
        let files = read_tree(&src)?;
        let graph = build(&files)?;
        let cycles = graph.cycles();
        let violations = if *name == "telnyx-accounts" {
            graph.layer_violations(CLIENT_LAYERS)
        } else {
            Vec::new()
        };
        let mut line = format!(
            "{name}: {} files, {} imports between them, {} levels",
            graph.edges.len(),
            graph.edge_count(),
            graph.levels(),
        );
        if *name == "telnyx-accounts" {
            let names: Vec<_> = CLIENT_LAYERS.iter().map(|(n, _)| *n).collect();
            let _ = write!(line, "; layers {}", names.join(" > "));
        }
        line.push_str(if cycles.is_empty() && violations.is_empty() {
            ": ok"
        } else {
            ": FAILED"
        });
        report.push(line);
        if edges {
            for (from, tos) in &graph.edges {
                for to in tos {
                    report.push(format!("  {from} -> {to}"));
                }
            }
        }
        for cycle in &cycles {
            clean = false;
            report.push(format!("  cycle: {}", cycle.join(" -> ")));
        }
        for v in violations {
            clean = false;
            report.push(format!("  layer rule: {v}"));
        }
    }
    Ok((report, clean))
}

/// Every `.rs` file under `src`, by its path relative to it (`/`-separated).
pub fn read_tree(src: &Path) -> Result<BTreeMap<String, String>, String> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<String, String>) -> Result<(), String> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                walk(&path, base, out)?;
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
                let rel = path.strip_prefix(base).unwrap_or(&path);
                let rel: Vec<_> = rel.iter().map(|c| c.to_string_lossy()).collect();
                out.insert(rel.join("/"), text);
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(src, src, &mut out)?;
    Ok(out)
}

/// A module: the file it is in, and what its tokens declare and name.
#[derive(Debug, Default)]
struct Module {
    file: String,
    parent: Option<usize>,
    /// The directory its `mod x;` children are read from.
    dir: String,
    children: BTreeMap<String, usize>,
    defined: BTreeSet<String>,
    /// `use` bindings: the name (`None` for a glob) and the path.
    imports: Vec<(Option<String>, Vec<String>)>,
    /// Qualified paths outside `use` items.
    paths: Vec<Vec<String>>,
}

/// Where a path leads: a module (an alias), or an item of a module.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Module(usize),
    Item(usize),
}

/// The graph of one crate's files (`lib.rs` and `main.rs` as roots).
pub fn build(files: &BTreeMap<String, String>) -> Result<Graph, String> {
    let mut modules: Vec<Module> = Vec::new();
    for root in ["lib.rs", "main.rs"] {
        if files.contains_key(root) {
            let id = modules.len();
            modules.push(Module {
                file: root.to_owned(),
                ..Module::default()
            });
            load(files, &mut modules, id, root)?;
        }
    }
    let mut graph = Graph::default();
    for m in &modules {
        graph.edges.entry(m.file.clone()).or_default();
    }
    let root_of = |mut m: usize| {
        while let Some(p) = modules[m].parent {
            m = p;
        }
        m
    };
    for (id, m) in modules.iter().enumerate() {
        let r = Resolver {
            modules: &modules,
            root: root_of(id),
        };
        let mut targets = Vec::new();
        for (name, path) in &m.imports {
            match (name, r.locate(id, path, 0, false)) {
                // A module under a name is an alias; a glob of one imports its items.
                (Some(_), Some(Target::Module(_))) | (_, None) => {}
                (None, Some(Target::Module(t))) | (_, Some(Target::Item(t))) => targets.push(t),
            }
        }
        for path in &m.paths {
            if let Some(Target::Item(t)) = r.locate(id, path, 0, false) {
                targets.push(t);
            }
        }
        for t in targets {
            if modules[t].file != m.file {
                graph
                    .edges
                    .get_mut(&m.file)
                    .map(|e| e.insert(modules[t].file.clone()));
            }
        }
    }
    Ok(graph)
}

fn load(
    files: &BTreeMap<String, String>,
    modules: &mut Vec<Module>,
    id: usize,
    file: &str,
) -> Result<(), String> {
    let text = files
        .get(file)
        .ok_or_else(|| format!("{file}: declared but not found"))?;
    let tokens = TokenStream::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    let dir = match file.rsplit_once('/') {
        Some((d, "mod.rs" | "lib.rs" | "main.rs")) => d.to_owned(),
        Some((d, name)) => format!("{d}/{}", name.trim_end_matches(".rs")),
        None if matches!(file, "lib.rs" | "main.rs") => String::new(),
        None => file.trim_end_matches(".rs").to_owned(),
    };
    modules[id].dir = dir;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    scan_items(files, modules, id, &tokens)
}

/// The directory a file is in (`""` for `src/` itself).
fn dir_of(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(d, _)| d)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

fn ident(t: Option<&TokenTree>) -> Option<String> {
    match t {
        Some(TokenTree::Ident(i)) => Some(i.to_string()),
        _ => None,
    }
}

fn is_punct(t: Option<&TokenTree>, c: char) -> bool {
    matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

/// Module-level items: declarations, `mod`s, `use`s; everything else is
/// searched for paths.
fn scan_items(
    files: &BTreeMap<String, String>,
    modules: &mut Vec<Module>,
    id: usize,
    tokens: &[TokenTree],
) -> Result<(), String> {
    let mut i = 0;
    let mut path_attr: Option<String> = None;
    // Where the run of tokens not handled below began: searched for paths
    // when the run ends.
    let mut other: Option<usize> = None;
    while i < tokens.len() {
        if starts_special(tokens, i)
            && let Some(start) = other.take()
        {
            collect_paths(&tokens[start..i], &mut modules[id].paths);
        }
        // Attributes: `#[cfg(test)]` skips the item; `#[path = ".."]` is kept
        // for the `mod` it is on; strings naming paths are edges.
        if is_punct(tokens.get(i), '#')
            && let Some(TokenTree::Group(g)) = tokens.get(i + 1)
            && g.delimiter() == Delimiter::Bracket
        {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            match ident(inner.first()).as_deref() {
                Some("cfg") if is_test_cfg(&inner) => {
                    i = skip_item(tokens, i + 2);
                    path_attr = None;
                    continue;
                }
                Some("path") => {
                    if let Some(TokenTree::Literal(l)) = inner.get(2) {
                        path_attr = Some(l.to_string().trim_matches('"').to_owned());
                    }
                }
                Some("doc") => {}
                _ => collect_paths(&inner, &mut modules[id].paths),
            }
            i += 2;
            continue;
        }
        let word = ident(tokens.get(i));
        match word.as_deref() {
            Some("use") => {
                let end = (i..tokens.len())
                    .find(|&j| is_punct(tokens.get(j), ';'))
                    .unwrap_or(tokens.len());
                let mut imports = Vec::new();
                use_tree(&tokens[i + 1..end], &mut Vec::new(), &mut imports);
                modules[id].imports.extend(imports);
                i = end + 1;
                path_attr = None;
                continue;
            }
            Some("mod") => {
                if let Some(name) = ident(tokens.get(i + 1)) {
                    let child = modules.len();
                    let parent_dir = modules[id].dir.clone();
                    modules.push(Module {
                        parent: Some(id),
                        ..Module::default()
                    });
                    modules[id].children.insert(name.clone(), child);
                    match tokens.get(i + 2) {
                        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                            modules[child].file = modules[id].file.clone();
                            modules[child].dir = join(&parent_dir, &name);
                            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                            scan_items(files, modules, child, &inner)?;
                        }
                        _ => {
                            let file = match path_attr.take() {
                                Some(p) => join(dir_of(&modules[id].file), &p),
                                None => {
                                    let flat = join(&parent_dir, &format!("{name}.rs"));
                                    if files.contains_key(&flat) {
                                        flat
                                    } else {
                                        join(&parent_dir, &format!("{name}/mod.rs"))
                                    }
                                }
                            };
                            modules[child].file = file.clone();
                            load(files, modules, child, &file)?;
                        }
                    }
                    i += 3;
                    path_attr = None;
                    continue;
                }
            }
            Some("fn" | "struct" | "enum" | "union" | "trait" | "type" | "static" | "const") => {
                if let Some(name) = ident(tokens.get(i + 1))
                    && !matches!(name.as_str(), "fn" | "mut" | "unsafe" | "async" | "_")
                {
                    modules[id].defined.insert(name);
                }
            }
            Some("macro_rules") if is_punct(tokens.get(i + 1), '!') => {
                if let Some(name) = ident(tokens.get(i + 2)) {
                    modules[id].defined.insert(name);
                }
            }
            _ => {}
        }
        other.get_or_insert(i);
        i += 1;
    }
    if let Some(start) = other {
        collect_paths(&tokens[start..], &mut modules[id].paths);
    }
    Ok(())
}

/// Whether an attribute, a `use` or a `mod` starts at `i` (what
/// `scan_items` handles itself).
fn starts_special(tokens: &[TokenTree], i: usize) -> bool {
    is_punct(tokens.get(i), '#') || matches!(ident(tokens.get(i)).as_deref(), Some("use" | "mod"))
}

/// `cfg(test)`, alone or inside `all(..)`/`any(..)`, not under `not(..)`.
fn is_test_cfg(attr: &[TokenTree]) -> bool {
    let text = attr
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    text.contains("test") && !text.contains("not")
}

/// The index after the item starting at `i`: past its `;` or its body.
fn skip_item(tokens: &[TokenTree], mut i: usize) -> usize {
    // Further attributes first.
    while is_punct(tokens.get(i), '#') {
        i += 2;
    }
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Punct(p) if p.as_char() == ';' => return i + 1,
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// Paths of two segments or more (`a::b`), anywhere in `tokens`, and path
/// strings (`"crate::models::f"`) in attributes.
fn collect_paths(tokens: &[TokenTree], out: &mut Vec<Vec<String>>) {
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(g) => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                collect_paths(&inner, out);
            }
            TokenTree::Literal(l) => {
                let s = l.to_string();
                let s = s.trim_matches('"');
                let segments: Vec<String> = s.split("::").map(str::to_owned).collect();
                if segments.len() > 1
                    && matches!(segments[0].as_str(), "crate" | "super" | "self")
                    && segments.iter().all(|p| {
                        !p.is_empty() && p.chars().all(|c| c == '_' || c.is_alphanumeric())
                    })
                {
                    out.push(segments);
                }
            }
            TokenTree::Ident(first) => {
                // The start of a path: not after `::` or `.`.
                let after_sep = (i >= 2 && is_path_sep(tokens, i - 2))
                    || (i >= 1 && is_punct(tokens.get(i - 1), '.'));
                if !after_sep {
                    let mut segments = vec![first.to_string()];
                    let mut j = i + 1;
                    while is_path_sep(tokens, j) {
                        match ident(tokens.get(j + 2)) {
                            Some(next) => segments.push(next),
                            None => break,
                        }
                        j += 3;
                    }
                    if segments.len() > 1 {
                        out.push(segments);
                    }
                    i = j.max(i + 1);
                    continue;
                }
            }
            TokenTree::Punct(_) => {}
        }
        i += 1;
    }
}

fn is_path_sep(tokens: &[TokenTree], j: usize) -> bool {
    matches!(tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint)
        && is_punct(tokens.get(j + 1), ':')
}

/// The bindings of a `use` tree: `a::b::{c, d as e, f::*, self}`.
fn use_tree(
    tokens: &[TokenTree],
    prefix: &mut Vec<String>,
    out: &mut Vec<(Option<String>, Vec<String>)>,
) {
    // Split at top-level commas (inside a brace group).
    let mut start = 0;
    for j in 0..=tokens.len() {
        if j == tokens.len() || is_punct(tokens.get(j), ',') {
            use_one(&tokens[start..j], prefix, out);
            start = j + 1;
        }
    }
}

fn use_one(
    tokens: &[TokenTree],
    prefix: &mut Vec<String>,
    out: &mut Vec<(Option<String>, Vec<String>)>,
) {
    let tokens: Vec<&TokenTree> = tokens
        .iter()
        .skip_while(|t| {
            // `pub`, `pub(crate)`, a leading `::`.
            matches!(t, TokenTree::Ident(i) if i == "pub")
                || matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis)
                || matches!(t, TokenTree::Punct(p) if p.as_char() == ':')
        })
        .collect();
    let depth = prefix.len();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i] {
            TokenTree::Ident(id) if id == "as" => {
                let name = tokens.get(i + 1).map(|t| t.to_string());
                let name = name.filter(|n| n != "_");
                out.push((name, prefix.clone()));
                prefix.truncate(depth);
                return;
            }
            TokenTree::Ident(id) if id == "self" && i == 0 && depth > 0 => {
                out.push((prefix.last().cloned(), prefix.clone()));
                prefix.truncate(depth);
                return;
            }
            TokenTree::Ident(id) => prefix.push(id.to_string()),
            TokenTree::Punct(p) if p.as_char() == '*' => {
                out.push((None, prefix.clone()));
                prefix.truncate(depth);
                return;
            }
            TokenTree::Punct(p) if p.as_char() == '$' => {}
            TokenTree::Punct(_) => {}
            TokenTree::Group(g) => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                use_tree(&inner, prefix, out);
                prefix.truncate(depth);
                return;
            }
            TokenTree::Literal(_) => {}
        }
        i += 1;
    }
    if prefix.len() > depth {
        out.push((prefix.last().cloned(), prefix.clone()));
    }
    prefix.truncate(depth);
}

struct Resolver<'a> {
    modules: &'a [Module],
    root: usize,
}

impl Resolver<'_> {
    /// Where `path`, written in module `m`, leads; `None` outside the crate.
    /// `strict`: only a name the module declares or imports counts.
    fn locate(&self, m: usize, path: &[String], depth: usize, strict: bool) -> Option<Target> {
        if depth > 16 || path.is_empty() {
            return None;
        }
        let module = &self.modules[m];
        let first = path[0].as_str();
        let (start, rest) = match first {
            "crate" => (self.root, &path[1..]),
            "self" => (m, &path[1..]),
            "super" => {
                let mut at = m;
                let mut k = 0;
                while path.get(k).map(String::as_str) == Some("super") {
                    at = self.modules[at].parent?;
                    k += 1;
                }
                (at, &path[k..])
            }
            name => {
                if let Some(&child) = module.children.get(name) {
                    (child, &path[1..])
                } else if let Some((_, target)) = module
                    .imports
                    .iter()
                    .find(|(n, _)| n.as_deref() == Some(name))
                {
                    if target.as_slice() == path {
                        return None;
                    }
                    let mut full = target.clone();
                    full.extend_from_slice(&path[1..]);
                    return self.locate(m, &full, depth + 1, strict);
                } else {
                    return self.through_globs(m, path, depth);
                }
            }
        };
        self.walk(start, rest, depth, strict)
    }

    fn walk(&self, mut at: usize, rest: &[String], depth: usize, strict: bool) -> Option<Target> {
        for (k, segment) in rest.iter().enumerate() {
            let module = &self.modules[at];
            if let Some(&child) = module.children.get(segment) {
                at = child;
                continue;
            }
            if module.defined.contains(segment) {
                return Some(Target::Item(at));
            }
            if let Some((_, target)) = module
                .imports
                .iter()
                .find(|(n, _)| n.as_deref() == Some(segment.as_str()))
            {
                let mut full = target.clone();
                full.extend_from_slice(&rest[k + 1..]);
                return self.locate(at, &full, depth + 1, strict);
            }
            if let Some(t) = self.through_globs(at, &rest[k..], depth) {
                return Some(t);
            }
            // A name made by a macro, or a variant: this module's.
            return (!strict).then_some(Target::Item(at));
        }
        Some(Target::Module(at))
    }

    /// `path`, when one of module `m`'s glob imports brings its first name.
    fn through_globs(&self, m: usize, path: &[String], depth: usize) -> Option<Target> {
        for (name, glob) in &self.modules[m].imports {
            if name.is_some() {
                continue;
            }
            let mut full = glob.clone();
            full.extend_from_slice(path);
            if let Some(t @ Target::Item(_)) = self.locate(m, &full, depth + 1, true) {
                return Some(t);
            }
        }
        None
    }
}

/// The graph of files given as `(path relative to src/, text)`.
pub fn graph_of(files: &[(&str, &str)]) -> Result<Graph, String> {
    let map = files
        .iter()
        .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
        .collect();
    build(&map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edges(g: &Graph) -> Vec<String> {
        g.edges
            .iter()
            .flat_map(|(f, ts)| ts.iter().map(move |t| format!("{f} -> {t}")))
            .collect()
    }

    /// A tiny crate: `a` uses `b`, `b` uses `c` through the root's
    /// re-export, and `c` is a folder module with a child.
    const LIB: &str = "
        //! Docs naming crate::a::A are not edges.
        mod a;
        mod b;
        mod c;
        pub use c::C;
        #[cfg(test)]
        mod tests { use crate::a::A; }
    ";
    const A: &str = "use crate::b::B; pub struct A(B);";
    const B: &str = "pub struct B(crate::C); /// crate::a::A\n fn f() {}";
    const C_MOD: &str = "mod leaf; pub use leaf::*;";
    const C_LEAF: &str = "pub struct C;";

    #[test]
    fn a_tree_without_a_cycle_has_its_edges_and_levels() {
        let g = graph_of(&[
            ("lib.rs", LIB),
            ("a.rs", A),
            ("b.rs", B),
            ("c/mod.rs", C_MOD),
            ("c/leaf.rs", C_LEAF),
        ])
        .unwrap();
        assert_eq!(
            edges(&g),
            [
                "a.rs -> b.rs",
                "b.rs -> c/leaf.rs",
                "c/mod.rs -> c/leaf.rs",
                "lib.rs -> c/leaf.rs",
            ]
        );
        assert!(g.cycles().is_empty());
        assert_eq!(g.levels(), 3);
    }

    #[test]
    fn a_cycle_is_found_and_named() {
        // `c`'s leaf now reaches back to `a`, through `super::super`.
        let leaf = "pub struct C(super::super::a::A);";
        let g = graph_of(&[
            ("lib.rs", LIB),
            ("a.rs", A),
            ("b.rs", B),
            ("c/mod.rs", C_MOD),
            ("c/leaf.rs", leaf),
        ])
        .unwrap();
        assert_eq!(
            g.cycles(),
            [["a.rs", "b.rs", "c/leaf.rs", "a.rs"]
                .map(String::from)
                .to_vec()]
        );
        assert_eq!(g.levels(), 0);
    }

    #[test]
    fn a_child_using_its_parent_that_re_exports_it_is_a_cycle() {
        let g = graph_of(&[
            ("lib.rs", "mod m;"),
            ("m/mod.rs", "mod k; pub use k::K; pub struct P;"),
            ("m/k.rs", "pub struct K(super::P);"),
        ])
        .unwrap();
        assert_eq!(
            g.cycles(),
            [["m/k.rs", "m/mod.rs", "m/k.rs"].map(String::from).to_vec()]
        );
    }

    #[test]
    fn a_module_alias_and_path_attribute_and_serde_strings_resolve() {
        let g = graph_of(&[
            (
                "lib.rs",
                "mod x; #[path = \"layer/y.rs\"] pub mod y; use y as why; \
                 #[serde(with = \"crate::x::f\")] struct S(why::Y);",
            ),
            ("x.rs", "pub fn f() {}"),
            ("layer/y.rs", "pub struct Y;"),
        ])
        .unwrap();
        assert_eq!(edges(&g), ["lib.rs -> layer/y.rs", "lib.rs -> x.rs"]);
    }

    #[test]
    fn the_layer_rule_names_an_import_into_a_layer_above() {
        let layers: &[(&str, &[&str])] = &[
            ("root", &["lib.rs"]),
            ("api", &["api/"]),
            ("runtime", &["runtime/"]),
        ];
        let g = graph_of(&[
            ("lib.rs", "mod api; mod runtime;"),
            ("api/mod.rs", "pub struct Client(crate::runtime::T);"),
            (
                "runtime/mod.rs",
                "pub struct T; fn f(_: crate::api::Client) {}",
            ),
        ])
        .unwrap();
        assert_eq!(
            g.layer_violations(layers),
            ["runtime/mod.rs (runtime) -> api/mod.rs (api): an import into a layer above"]
        );
        let g = graph_of(&[
            ("lib.rs", "mod api; mod runtime;"),
            ("api/mod.rs", "pub struct Client(crate::runtime::T);"),
            ("runtime/mod.rs", "pub struct T;"),
        ])
        .unwrap();
        assert!(g.layer_violations(layers).is_empty());
    }
}
