// Finance dashboard charts (Apache ECharts, vendored in /lib/echarts). Data comes from data-json attributes written
// by the server, so the page needs no inline script (Content-Security-Policy friendly).
(function () {
  'use strict';
  if (typeof echarts === 'undefined') return;
  var palette = ['#c0392b', '#2e7d32', '#f0b429', '#1565c0'];
  var builders = {
    series: function (d) {
      return {
        color: [palette[1], palette[0]],
        tooltip: { trigger: 'axis' },
        legend: { top: 0, data: [d.labels.completed, d.labels.expected] },
        grid: { left: 70, right: 20, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: d.months.map(function (m) { return m + ''; }), name: d.labels.month },
        yAxis: { type: 'value', axisLabel: { formatter: function (v) { return v >= 10000 ? (v / 10000) + '万' : v; } } },
        series: [
          { name: d.labels.completed, type: 'bar', data: d.completed },
          { name: d.labels.expected, type: 'line', data: d.expected, lineStyle: { type: 'dashed' } }
        ]
      };
    },
    distribution: function (d) {
      return {
        color: [palette[3]],
        tooltip: { trigger: 'axis' },
        grid: { left: 40, right: 10, top: 20, bottom: 50 },
        xAxis: { type: 'category', data: d.bands, axisLabel: { rotate: 40 } },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ name: d.label, type: 'bar', data: d.counts }]
      };
    },
    rings: function (d) {
      var cols = Math.min(6, d.length), rows = Math.ceil(d.length / cols);
      return {
        tooltip: { formatter: function (p) { return p.name + ': ' + p.value + '%'; } },
        series: d.map(function (r, i) {
          var x = ((i % cols) + 0.5) / cols * 100, y = (Math.floor(i / cols) + 0.5) / rows * 100;
          var behind = r.completion < r.expected;
          return {
            type: 'pie', radius: ['26%', '36%'].map(function (v) { return (parseFloat(v) / rows) * 1.6 + '%'; }),
            center: [x + '%', y + '%'], silent: false, label: { show: true, position: 'center', formatter: r.name + '\n' + r.completion + '%', fontSize: 11 },
            data: [
              { name: r.name, value: Math.min(100, r.completion), itemStyle: { color: behind ? palette[0] : palette[1] } },
              { name: '', value: Math.max(0, 100 - r.completion), itemStyle: { color: '#eee' }, tooltip: { show: false } }
            ]
          };
        })
      };
    }
  };
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var build = builders[el.getAttribute('data-chart')];
    if (!build) return;
    var data = JSON.parse(el.getAttribute('data-json'));
    if (el.getAttribute('data-chart') === 'rings') el.style.height = (Math.ceil(data.length / 6) * 160) + 'px';
    var chart = echarts.init(el, null, { renderer: 'svg' });
    chart.setOption(build(data));
    window.addEventListener('resize', function () { chart.resize(); });
  });
})();
