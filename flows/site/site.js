/* Ahual's site: draws each chart from the Vega-Lite specification inline in the page (with the
   vendored vega-embed, which then fetches nothing) and fills and filters the data tables from
   the rows inline in the page. A drawn chart gets data-drawn="yes", a failed one data-error. */
(function () {
  'use strict';

  function drawCharts() {
    document.querySelectorAll('.chart[data-spec]').forEach(function (box) {
      var spec = JSON.parse(document.getElementById(box.getAttribute('data-spec')).textContent);
      window.vegaEmbed(box, spec, {
        renderer: 'svg',
        actions: {export: true, source: false, compiled: false, editor: false}
      }).then(function () {
        box.setAttribute('data-drawn', 'yes');
      }).catch(function (error) {
        box.setAttribute('data-error', String(error));
      });
    });
  }

  var lang = document.documentElement.lang || 'en';
  var numbers = {
    plain: new Intl.NumberFormat(lang, {maximumFractionDigits: 4, useGrouping: false}),
    grouped: new Intl.NumberFormat(lang, {maximumFractionDigits: 4})
  };

  function text(value) {
    if (value === null || value === undefined) { return ''; }
    if (typeof value === 'number') {  // 1 234,5 in kk and ru; years and rounds never grouped
      return (Math.abs(value) >= 10000 ? numbers.grouped : numbers.plain).format(value);
    }
    return String(value);
  }

  function fillTable(table) {
    var rows = JSON.parse(document.getElementById(table.getAttribute('data-rows')).textContent);
    var body = table.tBodies[0];
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) {
      var tr = document.createElement('tr');
      row.forEach(function (value) {
        var td = document.createElement('td');
        td.textContent = text(value);
        if (typeof value === 'number') { td.className = 'num'; }
        tr.appendChild(td);
      });
      tr.setAttribute('data-text', row.map(text).join(' ').toLowerCase());
      fragment.appendChild(tr);
    });
    body.appendChild(fragment);
    var input = document.querySelector('input.filter[data-table="' + table.id + '"]');
    var count = input ? input.parentNode.querySelector('.count') : null;
    function apply() {
      var words = input ? input.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (tr) {
        var keep = words.every(function (w) { return tr.getAttribute('data-text').indexOf(w) >= 0; });
        tr.hidden = !keep;
        if (keep) { shown += 1; }
      });
      if (count) {
        count.textContent = count.getAttribute('data-template')
          .replace('{shown}', shown).replace('{total}', rows.length);
      }
    }
    if (input) { input.addEventListener('input', apply); }
    apply();
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.documentElement.setAttribute('data-site-js', 'yes');
    document.querySelectorAll('table[data-rows]').forEach(fillTable);
    drawCharts();
  });
}());
