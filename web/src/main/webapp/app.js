'use strict';
// hcsim Explorer's page script: the DOM only. Every answer comes from window.hcsim (hcsim's Java, compiled by TeaVM).
var KERNEL = 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/';
var ARCHS = [], EXAMPLES = [], S = {view: 'call', arch: 'x86', regs: {}, opts: {}, insn: '', seed: '0', vcpus: '1', example: '', sources: {}, prog: '', pos: -1};
var run = null;

function $(id) { return document.getElementById(id); }
function el(tag, attrs, text) {
  var e = document.createElement(tag);
  for (var k in (attrs || {})) { e.setAttribute(k, attrs[k]); }
  if (text !== undefined) { e.textContent = text; }
  return e;
}
function ask(fn, arg) {
  try { return JSON.parse(window.hcsim[fn](typeof arg === 'string' ? arg : JSON.stringify(arg || {}))); }
  catch (e) { return {error: String(e && e.message || e)}; }
}
function arch(name) { return ARCHS.filter(function (a) { return a.name === name; })[0] || ARCHS[0]; }
function linkSources(text, into) {
  // kernel file names become links to the kernel tree; the rest stays text
  var re = /arch\/[\w\/.-]+\.[ch]|virt\/kvm\/[\w\/.-]+\.[ch]|include\/[\w\/.-]+\.h|Documentation\/[\w\/.-]+/g, last = 0, m;
  while ((m = re.exec(text)) !== null) {
    into.appendChild(document.createTextNode(text.slice(last, m.index)));
    var a = el('a', {href: KERNEL + m[0], rel: 'noopener'}, m[0]);
    into.appendChild(a);
    last = m.index + m[0].length;
  }
  into.appendChild(document.createTextNode(text.slice(last)));
}
function showError(box, msg) { box.textContent = ''; box.appendChild(el('p', {'class': 'error'}, msg)); }

// ---------------------------------------------------------------- URL fragment: the whole state
function save() {
  var st = {v: S.view, a: S.arch, r: S.regs, o: S.opts, i: S.insn, s: S.seed, n: S.vcpus, e: S.example, p: S.sources, q: S.prog, t: S.pos};
  history.replaceState(null, '', '#' + encodeURIComponent(JSON.stringify(st)));
}
function restore() {
  if (location.hash.length < 2) { return; }
  try {
    var st = JSON.parse(decodeURIComponent(location.hash.slice(1)));
    S.view = st.v || S.view; S.arch = st.a || S.arch; S.regs = st.r || {}; S.opts = st.o || {}; S.insn = st.i || '';
    S.seed = st.s || '0'; S.vcpus = st.n || '1'; S.example = st.e || ''; S.sources = st.p || {}; S.prog = st.q || ''; S.pos = st.t === undefined ? -1 : st.t;
  } catch (e) { /* a damaged address: start fresh */ }
}

// ---------------------------------------------------------------- tabs
function show(view) {
  S.view = view;
  ['call', 'program', 'table'].forEach(function (v) {
    $('view-' + v).hidden = v !== view;
    $('tab-' + v).setAttribute('aria-selected', String(v === view));
    $('tab-' + v).tabIndex = v === view ? 0 : -1;
  });
  save();
}

// ---------------------------------------------------------------- single call
function callForm() {
  var a = arch(S.arch);
  $('call-arch').value = a.name;
  var pick = $('call-pick'); pick.textContent = '';
  pick.appendChild(el('option', {value: ''}, '(registers as set)'));
  a.calls.forEach(function (c) { pick.appendChild(el('option', {value: c.number}, c.name + ' (' + c.number + ')')); });
  var regs = $('call-regs'); regs.textContent = '';
  var shown = [a.number].concat(a.arguments.filter(function (r) { return r !== a.number; }));
  a.registers.forEach(function (r) { if (S.regs[r] && shown.indexOf(r) < 0) { shown.push(r); } });
  shown.forEach(function (r) {
    var l = el('label', {}, r + ' ');
    var i = el('input', {'data-reg': r, size: '18', value: S.regs[r] || ''});
    i.addEventListener('change', function () { S.regs[r] = i.value; save(); });
    l.appendChild(i); regs.appendChild(l);
  });
  var opts = $('call-opts'); opts.textContent = '';
  a.options.forEach(function (o) {
    var l = el('label', {title: o.description}, '--' + o.name + ' ');
    var s = el('select', {'data-opt': o.name});
    s.appendChild(el('option', {value: ''}, 'default (' + o['default'] + ')'));
    o.values.forEach(function (v) { s.appendChild(el('option', {value: v}, v)); });
    s.value = S.opts[o.name] || '';
    s.addEventListener('change', function () { S.opts[o.name] = s.value; save(); });
    l.appendChild(s); opts.appendChild(l);
  });
  a.features.forEach(function (f) {
    var key = 'feature:' + f.name;
    var l = el('label', {title: f.description});
    var c = el('input', {type: 'checkbox', 'data-feature': f.name});
    c.checked = S.opts[key] === undefined ? f['default'] : S.opts[key] === 'true';
    c.addEventListener('change', function () { S.opts[key] = String(c.checked); save(); });
    l.appendChild(c); l.appendChild(document.createTextNode(' ' + f.name)); opts.appendChild(l);
  });
  $('call-insn').value = S.insn; $('call-seed').value = S.seed; $('call-vcpus').value = S.vcpus;
}
function callRequest() {
  var a = arch(S.arch), options = {}, features = {};
  Object.keys(S.opts).forEach(function (k) {
    if (k.indexOf('feature:') === 0) { features[k.slice(8)] = S.opts[k] === 'true'; } else if (S.opts[k]) { options[k] = S.opts[k]; }
  });
  var regs = {};
  Object.keys(S.regs).forEach(function (r) { if (a.registers.indexOf(r) >= 0 && S.regs[r]) { regs[r] = S.regs[r]; } });
  return {arch: a.name, insn: S.insn, seed: S.seed || '0', vcpus: S.vcpus || '1', vcpu: '0', registers: regs, options: options, features: features};
}
function doCall() {
  var out = $('call-out'), r = ask('call', callRequest());
  out.textContent = '';
  if (r.error) { showError(out, r.error); return; }
  var c = r.call;
  var head = el('p', {'class': 'status'});
  head.appendChild(el('strong', {}, (c.call || 'no call') + ': '));
  head.appendChild(document.createTextNode((c.status || '-') + (c.statusCode ? ' = ' + c.statusCode : '') + ', outcome ' + c.outcome));
  out.appendChild(head);
  out.appendChild(el('p', {}, 'Trap instruction: ' + c.instruction + '   bytes: ' + c.bytes));
  var t = el('table', {'class': 'regtable', id: 'call-regtable'});
  t.appendChild(el('tr')).innerHTML = '<th>register</th><th>before</th><th>after</th>';
  Object.keys(r.after).forEach(function (k) {
    var tr = el('tr'); var changed = r.before[k] !== r.after[k];
    if (changed) { tr.className = 'changed'; }
    tr.appendChild(el('td', {}, k + (changed ? ' *' : ''))); tr.appendChild(el('td', {}, r.before[k])); tr.appendChild(el('td', {}, r.after[k]));
    t.appendChild(tr);
  });
  out.appendChild(t);
  if (c.effects.length) {
    var ul = el('ul', {'class': 'effects'});
    c.effects.forEach(function (e) { ul.appendChild(el('li', {}, e.kind + (e.target !== null ? ' -> vcpu' + e.target : '') + (e.detail ? ' (' + e.detail + ')' : ''))); });
    out.appendChild(el('h3', {}, 'Effects on other vCPUs')); out.appendChild(ul);
  }
  out.appendChild(el('h3', {}, 'Step by step'));
  var pre = el('pre', {id: 'call-explanation'}); linkSources(r.explanation, pre); out.appendChild(pre);
  var json = el('details'); json.appendChild(el('summary', {}, 'hcsim call JSON'));
  json.appendChild(el('pre', {id: 'call-json'}, JSON.stringify(c, null, 2))); out.appendChild(json);
  out.setAttribute('data-json', JSON.stringify(c));
}

// ---------------------------------------------------------------- program
function exampleText() {
  var e = EXAMPLES.filter(function (x) { return x.name === S.example; })[0] || EXAMPLES[0];
  S.example = e.name; return e.text;
}
function loadExample(keepSources) {
  if (!keepSources) { S.sources = {}; S.pos = -1; S.prog = ''; }
  $('prog-example').value = S.example;
  runProgram();
}
function currentProgram() { return run && run.programs.filter(function (p) { return p.key === S.prog; })[0]; }
function runProgram() {
  var text = exampleText();
  var r = ask('scenario', {text: text, file: S.example + '.json', sources: S.sources});
  var err = $('prog-error'); err.textContent = '';
  if (r.error) {
    showError(err, r.error);
    // the program's own listing still says where
    listing(); save(); return;
  }
  run = r;
  var pick = $('prog-pick'); pick.textContent = '';
  r.programs.forEach(function (p) { pick.appendChild(el('option', {value: p.key}, p.key + ' (' + p.arch + ')')); });
  if (!currentProgram()) { S.prog = r.programs.length ? r.programs[0].key : ''; }
  pick.value = S.prog;
  var p = currentProgram();
  if (p && $('prog-src').value !== p.source) { $('prog-src').value = p.source; }
  listing();
  var checks = $('prog-checks'); checks.textContent = '';
  var ok = r.checks.filter(function (c) { return c.passed; }).length;
  checks.appendChild(el('p', {'class': r.passed ? 'pass' : 'fail', id: 'prog-verdict'}, (r.passed ? 'PASS' : 'FAIL') + ': ' + ok + ' of ' + r.checks.length + ' expectations hold'));
  var ul = el('ul');
  r.checks.forEach(function (c) { ul.appendChild(el('li', {'class': c.passed ? 'pass' : 'fail'}, (c.passed ? '✓ ' : '✗ ') + c.description + (c.passed ? '' : ' (got ' + c.actual + ')'))); });
  checks.appendChild(ul);
  $('prog-svg').innerHTML = r.svg;
  $('prog-timeline').textContent = r.timeline;
  trace(r.trace);
  position(S.pos < 0 ? r.trace.length : S.pos);
  save();
}
function listing() {
  var p = currentProgram(), src = $('prog-src').value, out = $('prog-bytes'), err = $('prog-error');
  if (!p) { out.textContent = ''; return; }
  var r = ask('assemble', {arch: p.arch, source: src, at: p.at});
  var rows = src.split('\n').map(function () { return ''; });
  if (r.error) {
    var line = r.line || 1, col = (src.split('\n')[line - 1] || '').search(/\S/) + 1;
    rows[line - 1] = '^ error';
    showError(err, 'line ' + line + ', column ' + Math.max(col, 1) + ': ' + r.error);
    err.setAttribute('data-line', String(line)); err.setAttribute('data-column', String(Math.max(col, 1)));
  } else {
    r.lines.forEach(function (l) { rows[l.line - 1] = (rows[l.line - 1] ? rows[l.line - 1] + ' ' : '') + l.bytes.replace(/(..)(?!$)/g, '$1 '); });
  }
  out.textContent = rows.join('\n');
}
function trace(lines) {
  var box = $('prog-trace'); box.textContent = '';
  var t = el('table', {id: 'trace-table'});
  t.appendChild(el('tr')).innerHTML = '<th>#</th><th>time</th><th>vm</th><th>vcpu</th><th>event</th><th>detail</th>';
  lines.forEach(function (l, i) {
    var e = JSON.parse(l), tr = el('tr', {'data-line': l});
    [i, e.time, e.vm, e.vcpu, e.type === 'trap' ? (e.call || e.insn) + ' ' + (e.statusCode || e.status || '') : e.event,
      e.type === 'trap' ? e.outcome + (e.detail ? ' ' + e.detail : '') : (e.detail || '') + (e.target !== undefined ? ' -> vcpu' + e.target : '')]
      .forEach(function (v) { tr.appendChild(el('td', {}, String(v === undefined ? '' : v))); });
    t.appendChild(tr);
  });
  box.appendChild(t);
}
function position(n) {
  S.pos = n;
  var st = n >= (run ? run.trace.length : 0) ? run.state : ask('at', String(n));
  var box = $('prog-state'); box.textContent = '';
  if (st.error) { showError(box, st.error); return; }
  $('prog-pos').textContent = 'after ' + st.events + ' of ' + run.trace.length + ' events';
  st.vms.forEach(function (vm) {
    box.appendChild(el('h3', {}, vm.name));
    var wrap = el('div', {'class': 'scroll'}), t = el('table', {'class': 'regtable'});
    var regs = Object.keys(vm.vcpus[0].registers);
    var head = el('tr'); head.appendChild(el('th', {}, 'vCPU'));
    vm.vcpus.forEach(function (c) { head.appendChild(el('th', {}, c.vcpu + ' ' + c.state)); });
    t.appendChild(head);
    regs.forEach(function (r) {
      var tr = el('tr'); tr.appendChild(el('td', {}, r));
      vm.vcpus.forEach(function (c) { tr.appendChild(el('td', {}, c.registers[r])); });
      t.appendChild(tr);
    });
    wrap.appendChild(t); box.appendChild(wrap);
  });
  var rows = document.querySelectorAll('#trace-table tr');
  for (var i = 1; i < rows.length; i++) { rows[i].className = i - 1 < st.events ? 'done' : ''; }
  save();
}
function step(kind) {
  if (!run) { return; }
  var n = S.pos >= run.trace.length ? 0 : S.pos, total = run.trace.length;
  if (kind === 'step') { n = Math.min(n + 1, total); }
  if (kind === 'next') {
    var next = run.traps.filter(function (t) { return t >= n; })[0];
    n = next === undefined ? total : next + 1;
  }
  if (kind === 'end') { n = total; }
  position(n);
}

// ---------------------------------------------------------------- ABI table
var TABLE = null;
function table() {
  if (!TABLE) { TABLE = ask('table'); }
  var body = document.querySelector('#table tbody'); body.textContent = '';
  var f = $('table-filter').value.toLowerCase();
  if (TABLE.error) { showError(body, TABLE.error); return; }
  var contracts = document.querySelector('#contracts tbody'); contracts.textContent = '';
  function row(into, cells, linkCol) {
    if (f && cells.join(' ').toLowerCase().indexOf(f) < 0) { return; }
    var tr = el('tr');
    cells.forEach(function (c, i) { var td = el('td'); if (i === linkCol) { linkSources(String(c), td); } else { td.textContent = c; } tr.appendChild(td); });
    into.appendChild(tr);
  }
  TABLE.forEach(function (a) {
    var c = a.contract, d = String(a.discovery), cut = d.indexOf('. ');
    // the columns of hcsim table's first table (TableCommand.markdown)
    row(contracts, [a.arch, c.trapInstructions, c.trapBytes, c.numberRegister + ' (' + c.numberBits + ' bits)', c.argumentRegisters.join(', '),
      c.resultRegisters.join(', '), c.preservedRegisters.join(', '), c.unsetResults, a.status.family, cut > 0 ? d.slice(0, cut + 1) : d], -1);
    a.hypercalls.forEach(function (h) {
      row(body, [a.arch, h.number, h.name, h.feature || '', h.statuses.join(', '), h.availability, h.summary, h.source], 7);
    });
  });
}

// ---------------------------------------------------------------- start
function explorerStart() {
  window.hcsimReady = function () {};
  EXAMPLES = (window.HCSIM_EXAMPLES || []).map(function (text) {
    var name = JSON.parse(text).name; return {name: name, text: text};
  }).sort(function (a, b) { return a.name < b.name ? -1 : 1; });
  ARCHS = ask('architectures');
  if (ARCHS.error) { showError($('loading'), ARCHS.error); return; }
  $('loading').hidden = true;
  restore();
  ARCHS.forEach(function (a) { $('call-arch').appendChild(el('option', {value: a.name}, a.name + ' — ' + a.title)); });
  EXAMPLES.forEach(function (e) { $('prog-example').appendChild(el('option', {value: e.name}, e.name)); });
  $('call-arch').addEventListener('change', function () { S.arch = this.value; S.regs = {}; S.opts = {}; S.insn = ''; callForm(); save(); });
  $('call-pick').addEventListener('change', function () { var a = arch(S.arch); if (this.value) { S.regs[a.number] = this.value; } callForm(); save(); });
  $('call-insn').addEventListener('change', function () { S.insn = this.value; save(); });
  $('call-seed').addEventListener('change', function () { S.seed = this.value; save(); });
  $('call-vcpus').addEventListener('change', function () { S.vcpus = this.value; save(); });
  $('call-form').addEventListener('submit', function (e) { e.preventDefault(); doCall(); });
  $('prog-example').addEventListener('change', function () { S.example = this.value; loadExample(false); });
  $('prog-pick').addEventListener('change', function () { S.prog = this.value; $('prog-src').value = currentProgram().source; listing(); save(); });
  $('prog-src').addEventListener('input', function () { S.sources[S.prog] = this.value; $('prog-error').textContent = ''; listing(); save(); });
  $('prog-src').addEventListener('scroll', function () { $('prog-bytes').scrollTop = this.scrollTop; });
  $('prog-run').addEventListener('click', function () { S.pos = -1; runProgram(); });
  $('prog-step').addEventListener('click', function () { step('step'); });
  $('prog-next').addEventListener('click', function () { step('next'); });
  $('prog-end').addEventListener('click', function () { step('end'); });
  $('table-filter').addEventListener('input', table);
  ['call', 'program', 'table'].forEach(function (v, i, all) {
    var tab = $('tab-' + v);
    tab.addEventListener('click', function () { show(v); if (v === 'table') { table(); } });
    tab.addEventListener('keydown', function (e) {
      var d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (d) { var n = all[(i + d + all.length) % all.length]; $('tab-' + n).focus(); $('tab-' + n).click(); }
    });
  });
  callForm();
  if (!S.example && EXAMPLES.length) { S.example = EXAMPLES[0].name; }
  $('prog-example').value = S.example;
  show(S.view);
  if (S.view === 'table') { table(); }
  if (S.view === 'program') { loadExample(true); }
  if (S.view === 'call' && Object.keys(S.regs).length) { doCall(); }
  window.hcsimReadyAt = performance.now(); // since navigation started: scripts/explorer-budgets.sh reads it
  document.body.setAttribute('data-ready', 'true');
}
