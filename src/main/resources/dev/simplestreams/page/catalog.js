(function(){
var rows=[].slice.call(document.querySelectorAll('#catalogue tr.product'));
var filter=document.getElementById('filter');if(!filter)return;var none=document.getElementById('nomatch'),count=document.getElementById('shown');
filter.hidden=false;
function apply(){var words=filter.value.toLowerCase().split(/\s+/).filter(Boolean),shown=0;
rows.forEach(function(r){var s=r.getAttribute('data-search'),ok=words.every(function(w){return s.indexOf(w)>=0;});
r.hidden=!ok;r.nextElementSibling.hidden=!ok;if(ok)shown++;});none.hidden=shown>0;count.textContent=shown+' of '+rows.length+' shown';}
filter.addEventListener('input',apply);if(filter.value)apply();
var heads=[].slice.call(document.querySelectorAll('#catalogue>thead th[data-sort]'));
heads.forEach(function(th,i){th.tabIndex=0;function sort(){var dir=th.getAttribute('aria-sort')==='ascending'?-1:1,num=th.getAttribute('data-sort')==='num';
heads.forEach(function(h){h.removeAttribute('aria-sort');});th.setAttribute('aria-sort',dir>0?'ascending':'descending');
var body=document.querySelector('#catalogue>tbody');rows.sort(function(a,b){var x=a.children[i].getAttribute('data-v'),y=b.children[i].getAttribute('data-v');
return dir*(num?(+x)-(+y):x.localeCompare(y));}).forEach(function(r){var more=r.nextElementSibling;body.appendChild(r);body.appendChild(more);});}
th.addEventListener('click',sort);th.addEventListener('keydown',function(e){if(e.key==='Enter')sort();});});
[].slice.call(document.querySelectorAll('button[data-copy]')).forEach(function(b){b.hidden=false;b.addEventListener('click',function(){
var text=document.getElementById(b.getAttribute('data-copy')).textContent;function done(){b.textContent='Copied';setTimeout(function(){b.textContent='Copy';},1500);}
function old(){var t=document.createElement('textarea');t.value=text;document.body.appendChild(t);t.select();
try{if(document.execCommand('copy'))done();}finally{t.remove();}}
if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(text).then(done,old);}else{old();}});});
})();
