// The admin page: a thin client of the REST API (/rest), authenticated by the browser's Basic credentials.
(function () {
  'use strict';
  var msg = document.getElementById('message');

  function say(text, ok) { msg.textContent = text; msg.className = ok ? 'ok' : 'error'; }
  function el(tag, props, kids) {
    var e = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { if (k === 'text') e.textContent = props[k]; else e[k] = props[k]; });
    (kids || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function api(method, path, body) {
    var init = { method: method, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    // absolute from the origin: a page opened as http://user:pw@host/ would make relative URLs carry credentials, which fetch refuses
    return fetch(location.origin + '/rest' + path, init).then(function (r) {
      return r.text().then(function (t) {
        var j = null;
        try { j = t ? JSON.parse(t) : null; } catch (e) { /* not JSON */ }
        if (!r.ok) throw new Error((j && j.error ? j.error.message : t) + ' (HTTP ' + r.status + ')');
        return j;
      });
    });
  }
  function enc(s) { return encodeURIComponent(s); }

  function refresh() {
    var wsDiv = document.getElementById('workspaces');
    var select = document.querySelector('#new-store select[name=workspace]');
    return api('GET', '/workspaces.json').then(function (j) {
      var list = j.workspaces.workspace;
      wsDiv.textContent = '';
      var chosen = select.value;
      select.textContent = '';
      list.forEach(function (w) {
        select.appendChild(el('option', { value: w.name, text: w.name }));
        var box = el('div', { className: 'ws' }, [el('strong', { text: w.name }), document.createTextNode(' '),
          el('button', { className: 'danger', text: 'delete', onclick: function () {
            if (confirm('Delete workspace ' + w.name + ' with all its stores and layers?')) {
              api('DELETE', '/workspaces/' + enc(w.name) + '?recurse=true').then(function () { say('deleted ' + w.name, true); refresh(); }, fail);
            }
          } })]);
        wsDiv.appendChild(box);
        api('GET', '/workspaces/' + enc(w.name) + '/coveragestores.json').then(function (s) {
          s.coverageStores.coverageStore.forEach(function (cs) {
            var slot = box.appendChild(el('div', {})); // keeps the catalogue's order whatever order the answers come in
            api('GET', '/workspaces/' + enc(w.name) + '/coveragestores/' + enc(cs.name) + '.json').then(function (d) {
              slot.appendChild(store(w.name, d.coverageStore));
            }, fail);
          });
        }, fail);
      });
      if (chosen) select.value = chosen;
      return api('GET', '/layers.json');
    }).then(function (j) { layers(j.layers.layer); }, fail);
  }

  function store(ws, s) {
    var vars = el('div', { className: 'vars' }, [document.createTextNode('variables: ')]);
    s.variables.forEach(function (v) {
      var published = s.layers.indexOf(v.name) >= 0;
      vars.appendChild(el('button', {
        text: (published ? '✓ ' : 'publish ') + v.name + (v.bands > 1 ? ' [' + v.bands + ']' : ''), disabled: published,
        title: (v.longName || v.name) + (v.units ? ' (' + v.units + ')' : ''),
        onclick: function () {
          api('POST', '/workspaces/' + enc(ws) + '/coveragestores/' + enc(s.name) + '/coverages', { coverage: { name: v.name, nativeCoverageName: v.name } })
            .then(function () { say('published ' + ws + ':' + v.name, true); refresh(); }, fail);
        }
      }));
    });
    return el('div', { className: 'store' }, [
      el('strong', { text: s.name }), document.createTextNode(' ' + s.type + (s.available ? '' : ' — UNAVAILABLE: ' + s.error) + ' '),
      el('button', { className: 'danger', text: 'delete', onclick: function () {
        if (confirm('Delete store ' + ws + ':' + s.name + ' and its layers?')) {
          api('DELETE', '/workspaces/' + enc(ws) + '/coveragestores/' + enc(s.name) + '?recurse=true').then(function () { say('deleted ' + s.name, true); refresh(); }, fail);
        }
      } }),
      el('div', { className: 'path', text: s.path + (s.members.length > 1 ? ' (' + s.members.length + ' stores)' : '') }),
      vars]);
  }

  function layers(list) {
    var body = document.querySelector('#layers tbody');
    body.textContent = '';
    list.forEach(function (ref) {
      var row = body.appendChild(el('tr', {}, [el('td', { text: ref.name })]));
      api('GET', '/layers/' + enc(ref.name) + '.json').then(function (j) {
        var l = j.layer;
        var style = el('select', {});
        l.styles.style.forEach(function (s) { style.appendChild(el('option', { value: s.name, text: s.name })); });
        if (l.defaultStyle) style.value = l.defaultStyle.name;
        style.onchange = function () {
          api('PUT', '/layers/' + enc(l.qualifiedName), { layer: { defaultStyle: { name: style.value } } })
            .then(function () { say('default style of ' + l.qualifiedName + ': ' + style.value, true); }, fail);
        };
        body.replaceChild(el('tr', {}, [
          el('td', { text: l.qualifiedName }), el('td', { text: l.title }), el('td', {}, [style]),
          el('td', {}, [
            el('button', { text: 'preview', onclick: function () { preview(l); } }),
            el('a', { text: 'map', href: '/?layers=' + enc(l.qualifiedName), target: '_blank' }),
            el('button', { className: 'danger', text: 'unpublish', onclick: function () {
              api('DELETE', '/layers/' + enc(l.qualifiedName)).then(function () { say('unpublished ' + l.qualifiedName, true); refresh(); }, fail);
            } })])]), row);
      }, fail);
    });
  }

  function preview(l) {
    var b = l.latLonBoundingBox || { minx: -180, miny: -90, maxx: 180, maxy: 90 };
    var w = b.maxx > b.minx ? b.maxx - b.minx : b.maxx - b.minx + 360, h = Math.max(b.maxy - b.miny, 1e-6);
    var width = 768, height = Math.max(16, Math.min(768, Math.round(width * h / w)));
    // WMS 1.3.0 with EPSG:4326: the bbox is lat,lon ordered
    var q = new URLSearchParams({ service: 'WMS', version: '1.3.0', request: 'GetMap', layers: l.qualifiedName, styles: '',
      crs: 'EPSG:4326', bbox: [b.miny, b.minx, b.maxy, b.maxx].join(','), width: width, height: height,
      format: 'image/png', transparent: 'true' });
    if (l.times.length) q.set('time', l.times[l.times.length - 1]);
    var div = document.getElementById('preview');
    div.textContent = '';
    var img = el('img', { src: location.origin + '/ows?' + q, alt: 'preview of ' + l.qualifiedName, width: width, height: height });
    img.onerror = function () {
      fetch(img.src).then(function (r) { return r.text(); }).then(function (t) { say('preview failed: ' + t, false); });
    };
    div.appendChild(el('div', { text: 'GetMap preview of ' + l.qualifiedName }));
    div.appendChild(img);
  }

  function fail(e) { say(String(e.message || e), false); }

  document.getElementById('new-workspace').addEventListener('submit', function (e) {
    e.preventDefault();
    var name = e.target.elements['name'].value;
    api('POST', '/workspaces', { workspace: { name: name } }).then(function () { say('created ' + name, true); e.target.reset(); refresh(); }, fail);
  });
  document.getElementById('new-store').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = e.target, body = { coverageStore: { name: f.elements['name'].value, path: f.elements['path'].value } };
    if (f.elements['description'].value) body.coverageStore.description = f.elements['description'].value;
    say('validating ' + f.elements['path'].value + ' …', true);
    api('POST', '/workspaces/' + enc(f.elements['workspace'].value) + '/coveragestores', body)
      .then(function () { say('added ' + f.elements['workspace'].value + ':' + f.elements['name'].value + '; publish its variables below', true); f.elements['name'].value = ''; f.elements['path'].value = ''; refresh(); }, fail);
  });
  refresh();
})();
