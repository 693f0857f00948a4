// Progressive enhancement of intake's forms. Every page works without this
// script; it only saves round trips: the communes of a postcode or a name appear
// as it is typed, and NAF codes are suggested from words of their labels.
(function () {
  'use strict';
  document.documentElement.classList.add('ie-js');
  if (!window.fetch) return;

  function getJSON(url) {
    return fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; }); // the server checks on submit anyway
  }

  // communes serves the commune picker: one field <prefix>.postcode taking a
  // postcode or a name, and the select <prefix>.commune_code of the communes
  // it matches (ids <prefix>-postcode...), if the page has them.
  function communes(prefix) {
    var pc = document.getElementById(prefix + '-postcode');
    var group = document.getElementById(prefix + '-commune-code-group');
    var select = document.getElementById(prefix + '-commune-code');
    var found = document.getElementById('commune-found');
    if (!pc || !group || !select || !found) return;
    var last = pc.value.trim();
    var timer;
    function show(list, byName) {
      var keep = select.value;
      while (select.options.length > 1) select.remove(1);
      list.forEach(function (c) {
        var label = byName ? c.name + ' (' + c.departement + ')' : c.name;
        select.add(new Option(label, c.code, false, c.code === keep));
      });
      if (list.length < 2) select.value = '';
      group.hidden = list.length < 2;
      found.hidden = list.length !== 1;
      found.querySelector('strong').textContent = list.length === 1 ? list[0].name : '';
    }
    pc.addEventListener('input', function () {
      var v = pc.value.trim();
      if (v === last) return;
      last = v;
      clearTimeout(timer);
      var byName = /[^\d\s]/.test(v);
      var url;
      if (/^\d{5}$/.test(v)) url = '/api/v1/communes?postcode=' + encodeURIComponent(v);
      else if (byName && v.length >= 2) url = '/api/v1/communes?q=' + encodeURIComponent(v);
      if (!url) { show([], false); return; }
      timer = setTimeout(function () {
        getJSON(url).then(function (d) {
          if (d && pc.value.trim() === v) show(d.communes || [], byName);
        });
      }, byName ? 200 : 0);
    });
  }

  // naf serves the NAF code field whose id is given, if the page has it.
  function naf(id) {
    var input = document.getElementById(id);
    var list = document.getElementById('naf-options');
    var label = document.getElementById('naf-label');
    if (!input || !list || !label) return;
    var known = {};
    var rendered = input.value; // the server named its activity, if any
    var timer;
    function showLabel() {
      var l = known[input.value.trim().toUpperCase()];
      if (l) {
        label.querySelector('span').textContent = l;
        label.hidden = false;
      } else if (input.value !== rendered) {
        label.hidden = true;
      }
    }
    input.addEventListener('input', function () {
      clearTimeout(timer);
      showLabel();
      var q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(function () {
        getJSON('/api/v1/naf?q=' + encodeURIComponent(q)).then(function (d) {
          if (!d || input.value.trim() !== q) return;
          list.textContent = '';
          d.results.forEach(function (e) {
            known[e.code] = e.label;
            var o = document.createElement('option');
            o.value = e.code;
            o.textContent = e.code + ' — ' + e.label;
            list.appendChild(o);
          });
          showLabel();
        });
      }, 200);
    });
  }

  // The creation form's fields are the project's; the others' the business's.
  communes('project');
  communes('business');
  naf('project-naf-code');
  naf('business-naf-code');
})();
