(function(){
  'use strict';
  function $(id){return document.getElementById(id);}
  var D=window.REPORT_DATA;
  if(!D){$('status').textContent='report_data.js (beside this page) '+
    'could not be read: the image table is missing.';return;}
  var C={}, rows=D.rows, view=[], page=0;
  D.cols.forEach(function(c,i){C[c]=i;});
  var classes={};
  rows.forEach(function(r){if(r[C.cls]!==null){classes[r[C.cls]]=1;}});
  Object.keys(classes).sort().forEach(function(c){
    var o=document.createElement('option'); o.value='='+c;
    o.textContent=c; $('cls').appendChild(o);});
  function fmt(v,d){return v===null||v===undefined?'\u2014':v.toFixed(d);}
  function url(path){return path.split('/').map(encodeURIComponent)
    .join('/');}
  function cell(tr,text,cls){var td=document.createElement('td');
    if(text!==undefined){td.textContent=text;} if(cls){td.className=cls;}
    tr.appendChild(td); return td;}
  function row(r){
    var tr=document.createElement('tr'), td=cell(tr);
    tr.className='row '+r[C.verdict];
    if(r[C.thumb]!==null){
      var a=document.createElement('a'), img=document.createElement('img');
      img.loading='lazy'; img.alt=''; img.src='thumbs/'+r[C.thumb]+'.jpg';
      a.href=r[C.overlay]?url(r[C.overlay]):img.src;
      a.appendChild(img); td.appendChild(a);}
    cell(tr,r[C.name],'name'); cell(tr,r[C.verdict],'verdict');
    cell(tr,fmt(r[C.score],3));
    cell(tr,r[C.cls]===null?'\u2014':r[C.cls]+
      (r[C.cls_score]===null?'':' '+fmt(r[C.cls_score],3)));
    cell(tr,r[C.boxes]!==null?r[C.boxes]+' box(es)':r[C.area]!==null?
      (100*r[C.area]).toFixed(2)+' % area':'\u2014');
    td=cell(tr);
    if(r[C.ood_flag]){var s=document.createElement('span');
      s.className='ood'; s.textContent='OOD'; td.appendChild(s);
      td.appendChild(document.createTextNode(' '));}
    td.appendChild(document.createTextNode(fmt(r[C.ood],2)));
    return tr;}
  function keep(r,f,k,q){
    if(f==='ood'){if(r[C.ood_flag]!==1){return false;}}
    else if(f!=='all'&&r[C.verdict]!==f){return false;}
    if(k!=='*'&&r[C.cls]!==k.slice(1)){return false;}
    return !q||r[C.name].toLowerCase().indexOf(q)>=0;}
  function update(){
    var f=$('filter').value, k=$('cls').value, s=$('sort').value,
      q=$('q').value.toLowerCase(), col=s==='name'?C.name:
      s==='ood'?C.ood:C.score, dir=s==='score-asc'||s==='name'?1:-1;
    view=[];
    for(var i=0;i<rows.length;i++){if(keep(rows[i],f,k,q)){view.push(i);}}
    view.sort(function(a,b){
      var x=rows[a][col], y=rows[b][col];
      if(x===y){return a-b;} if(x===null){return 1;}
      if(y===null){return -1;} return (x<y?-1:1)*dir;});
    page=0; render();}
  function render(){
    var n=+$('size').value, pages=Math.max(1,Math.ceil(view.length/n));
    page=Math.min(Math.max(page,0),pages-1);
    var body=$('rows'), frag=document.createDocumentFragment();
    view.slice(page*n,(page+1)*n).forEach(function(i){
      frag.appendChild(row(rows[i]));});
    body.textContent=''; body.appendChild(frag);
    $('shown').textContent=view.length;
    $('page').textContent='page '+(page+1)+' of '+pages;
    $('prev').disabled=page===0; $('next').disabled=page>=pages-1;}
  function skipped(){
    var list=D.skipped; if(!list.length){return;}
    $('skipped').hidden=false; $('nskipped').textContent=list.length;
    var body=$('skipped-rows');
    list.slice(0,1000).forEach(function(x){var tr=document.createElement(
      'tr'); cell(tr,x[0],'name'); cell(tr,x[1]); body.appendChild(tr);});
    if(list.length>1000){$('skipped-more').textContent=(list.length-1000)+
      ' more in results.json';}}
  var KEYS=['filter','cls','q','sort','size'];
  function save(){var h=new URLSearchParams();
    KEYS.forEach(function(id){h.set(id,$(id).value);});
    h.set('page',page+1);
    try{history.replaceState(null,'','#'+h.toString());}catch(e){}}
  function load(){var h=new URLSearchParams(location.hash.slice(1));
    KEYS.forEach(function(id){var v=h.get(id), el=$(id);
      if(v!==null&&(id==='q'||[].some.call(el.options,function(o){
        return o.value===v;}))){el.value=v;}});
    return Math.max(0,(parseInt(h.get('page'),10)||1)-1);}
  ['filter','cls','sort'].forEach(function(id){
    $(id).addEventListener('change',function(){update(); save();});});
  $('q').addEventListener('input',function(){update(); save();});
  $('size').addEventListener('change',function(){render(); save();});
  $('prev').addEventListener('click',function(){page--; render(); save();});
  $('next').addEventListener('click',function(){page++; render(); save();});
  var first=load(); update(); page=first; render(); skipped();
  var html=document.documentElement;
  html.setAttribute('data-render-ms',Math.round(performance.now()));
  if(performance.memory){html.setAttribute('data-heap-mb',
    Math.round(performance.memory.usedJSHeapSize/1048576));}
})();
