// The map page: lists the WMS layers of this server from its GetCapabilities and draws them with Leaflet in EPSG:3857.
(function () {
  'use strict';
  if (!window.L) {
    document.getElementById('status').textContent = 'Leaflet could not be loaded: this server was built without it '
      + '(npm ci in geoserver-extension/src/main/web) and unpkg.com is not reachable.';
    document.getElementById('status').className = 'error';
    return;
  }
  var statusEl = document.getElementById('status');
  var list = document.getElementById('layers');
  var map = L.map('map', { worldCopyJump: true }).setView([20, 0], 2);
  var osm = L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
    maxZoom: 19, attribution: '&copy; OpenStreetMap contributors'
  }).addTo(map);
  document.getElementById('osm').addEventListener('change', function (e) {
    if (e.target.checked) { osm.addTo(map); osm.bringToBack(); } else { map.removeLayer(osm); }
  });
  var infoFormat = null;
  var shown = {}; // layer name -> {wms, queryable}

  function child(el, name) {
    for (var n = el.firstElementChild; n; n = n.nextElementSibling) {
      if (n.localName === name) return n;
    }
    return null;
  }
  function children(el, name) {
    var out = [];
    for (var n = el.firstElementChild; n; n = n.nextElementSibling) if (n.localName === name) out.push(n);
    return out;
  }
  function text(el, name) { var c = el && child(el, name); return c ? c.textContent.trim() : ''; }
  // the message of an OGC exception report, else the text itself
  function exceptionText(t) {
    var doc = new DOMParser().parseFromString(t, 'application/xml');
    var e = doc.getElementsByTagNameNS('*', 'ServiceException')[0] || doc.getElementsByTagNameNS('*', 'ExceptionText')[0];
    return e ? e.textContent.trim() : t.slice(0, 400);
  }
  function fail(msg) { statusEl.className = 'error'; statusEl.textContent = msg; }

  function parse(xml) {
    var doc = new DOMParser().parseFromString(xml, 'application/xml');
    var root = doc.documentElement;
    if (!root || root.localName !== 'WMS_Capabilities') {
      throw new Error('not a WMS 1.3.0 capabilities document: ' + (root ? root.localName : 'empty') + '\n' + xml.slice(0, 400));
    }
    var cap = child(root, 'Capability');
    var req = cap && child(cap, 'Request');
    var gfi = req && child(req, 'GetFeatureInfo');
    if (gfi) {
      var formats = children(gfi, 'Format').map(function (f) { return f.textContent.trim(); });
      infoFormat = ['text/plain', 'application/json', 'text/html'].filter(function (f) { return formats.indexOf(f) >= 0; })[0] || null;
    }
    var layers = [];
    (function walk(el) {
      children(el, 'Layer').forEach(function (l) {
        var name = text(l, 'Name');
        if (name) {
          var box = child(l, 'EX_GeographicBoundingBox');
          var dim = children(l, 'Dimension').filter(function (d) { return d.getAttribute('name') === 'time'; })[0];
          layers.push({
            name: name, title: text(l, 'Title') || name, queryable: l.getAttribute('queryable') === '1',
            styles: children(l, 'Style').map(function (s) {
              var legend = child(s, 'LegendURL'), res = legend && child(legend, 'OnlineResource');
              return { name: text(s, 'Name'), title: text(s, 'Title'),
                       legend: res ? res.getAttributeNS('http://www.w3.org/1999/xlink', 'href') : null };
            }),
            bounds: box ? [[+text(box, 'southBoundLatitude'), +text(box, 'westBoundLongitude')],
                           [+text(box, 'northBoundLatitude'), +text(box, 'eastBoundLongitude')]] : null,
            times: dim ? dim.textContent.trim().split(',').filter(Boolean) : [],
            defaultTime: dim ? dim.getAttribute('default') : null
          });
        }
        walk(l);
      });
    })(cap);
    return layers;
  }

  function add(layer) {
    var li = document.createElement('li');
    var box = document.createElement('input');
    box.type = 'checkbox';
    var title = document.createElement('span');
    title.className = 'title';
    title.textContent = ' ' + layer.title;
    var name = document.createElement('div');
    name.className = 'name';
    name.textContent = layer.name;
    var label = document.createElement('label');
    label.appendChild(box);
    label.appendChild(title);
    li.appendChild(label);
    li.appendChild(name);
    var style = document.createElement('select');
    layer.styles.forEach(function (s) {
      var o = document.createElement('option');
      o.value = s.name;
      o.textContent = s.title || s.name;
      style.appendChild(o);
    });
    if (layer.styles.length > 1) li.appendChild(style);
    var time = document.createElement('select');
    layer.times.forEach(function (t) {
      var o = document.createElement('option');
      o.value = t;
      o.textContent = t;
      if (t === layer.defaultTime) o.selected = true;
      time.appendChild(o);
    });
    if (layer.times.length > 1) li.appendChild(time);
    var legend = document.createElement('img');
    legend.className = 'legend';
    legend.alt = '';
    var zoom = document.createElement('a');
    zoom.href = '#';
    zoom.textContent = 'zoom to layer';
    if (layer.bounds) li.appendChild(zoom);
    li.appendChild(legend);
    list.appendChild(li);

    function params() {
      var p = { layers: layer.name, styles: style.value || '', format: 'image/png', transparent: true, version: '1.3.0' };
      if (layer.times.length) p.time = time.value;
      return p;
    }
    function showLegend() {
      var s = layer.styles.filter(function (x) { return x.name === style.value; })[0] || layer.styles[0];
      if (box.checked && s && s.legend) { legend.src = s.legend; legend.style.display = ''; } else { legend.style.display = 'none'; }
    }
    function refresh() {
      if (shown[layer.name]) { map.removeLayer(shown[layer.name].wms); delete shown[layer.name]; }
      if (box.checked) {
        var wms = L.tileLayer.wms('/ows', params()).addTo(map);
        wms.on('tileerror', function () { statusEl.className = 'error'; statusEl.textContent = 'some tiles of ' + layer.name + ' failed'; });
        shown[layer.name] = { wms: wms, queryable: layer.queryable };
      }
      showLegend();
    }
    box.addEventListener('change', refresh);
    style.addEventListener('change', refresh);
    time.addEventListener('change', refresh);
    zoom.addEventListener('click', function (e) { e.preventDefault(); map.fitBounds(layer.bounds); });
    showLegend();
    return { layer: layer, show: function () { box.checked = true; refresh(); } };
  }

  map.on('click', function (e) {
    if (!infoFormat) return;
    var names = Object.keys(shown).filter(function (n) { return shown[n].queryable; });
    if (!names.length) return;
    var size = map.getSize(), b = map.getBounds();
    var sw = L.CRS.EPSG3857.project(b.getSouthWest()), ne = L.CRS.EPSG3857.project(b.getNorthEast());
    var pt = map.latLngToContainerPoint(e.latlng).round();
    var q = new URLSearchParams({
      service: 'WMS', version: '1.3.0', request: 'GetFeatureInfo', layers: names.join(','), query_layers: names.join(','),
      styles: '', crs: 'EPSG:3857', bbox: [sw.x, sw.y, ne.x, ne.y].join(','), width: size.x, height: size.y,
      i: pt.x, j: pt.y, info_format: infoFormat, format: 'image/png'
    });
    fetch('/ows?' + q).then(function (r) { return r.text(); }).then(function (t) {
      var pre = document.createElement('pre');
      pre.className = 'info';
      pre.textContent = t;
      L.popup().setLatLng(e.latlng).setContent(pre).openOn(map);
    });
  });

  fetch('/ows?service=WMS&version=1.3.0&request=GetCapabilities')
    .then(function (r) {
      return r.text().then(function (t) { if (!r.ok) throw new Error('GetCapabilities failed (HTTP ' + r.status + '): ' + exceptionText(t)); return t; });
    })
    .then(function (xml) {
      var layers = parse(xml);
      statusEl.className = '';
      statusEl.textContent = layers.length ? layers.length + ' layer(s)' : 'No layer published yet: add one on the admin page.';
      var entries = layers.map(add);
      // ?layers=ws:a,ws:b shows those layers and zooms to the first (links from the admin page, scripted checks);
      // &bbox=west,south,east,north (degrees) zooms to that box instead
      var query = new URLSearchParams(location.search);
      var wanted = (query.get('layers') || '').split(',').filter(Boolean);
      var first = null;
      entries.forEach(function (e) {
        if (wanted.indexOf(e.layer.name) >= 0) { e.show(); first = first || e.layer; }
      });
      var box = (query.get('bbox') || '').split(',').map(Number);
      if (box.length === 4 && box.every(isFinite) && box[0] < box[2] && box[1] < box[3]) {
        map.fitBounds([[box[1], box[0]], [box[3], box[2]]]);
      } else if (first && first.bounds) {
        map.fitBounds(first.bounds);
      }
    })
    .catch(function (e) { fail(String(e.message || e)); });
})();
