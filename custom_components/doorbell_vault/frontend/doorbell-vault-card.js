var Ie=Object.defineProperty;var je=Object.getOwnPropertyDescriptor;var m=(i,e,t,r)=>{for(var s=r>1?void 0:r?je(e,t):e,n=i.length-1,o;n>=0;n--)(o=i[n])&&(s=(r?o(e,t,s):o(s))||s);return r&&s&&Ie(e,t,s),s};var B=globalThis,W=B.ShadowRoot&&(B.ShadyCSS===void 0||B.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,ee=Symbol(),me=new WeakMap,U=class{constructor(e,t,r){if(this._$cssResult$=!0,r!==ee)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=e,this.t=t}get styleSheet(){let e=this.o,t=this.t;if(W&&e===void 0){let r=t!==void 0&&t.length===1;r&&(e=me.get(t)),e===void 0&&((this.o=e=new CSSStyleSheet).replaceSync(this.cssText),r&&me.set(t,e))}return e}toString(){return this.cssText}},fe=i=>new U(typeof i=="string"?i:i+"",void 0,ee),w=(i,...e)=>{let t=i.length===1?i[0]:e.reduce((r,s,n)=>r+(o=>{if(o._$cssResult$===!0)return o.cssText;if(typeof o=="number")return o;throw Error("Value passed to 'css' function must be a 'css' function result: "+o+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(s)+i[n+1],i[0]);return new U(t,i,ee)},ge=(i,e)=>{if(W)i.adoptedStyleSheets=e.map(t=>t instanceof CSSStyleSheet?t:t.styleSheet);else for(let t of e){let r=document.createElement("style"),s=B.litNonce;s!==void 0&&r.setAttribute("nonce",s),r.textContent=t.cssText,i.appendChild(r)}},te=W?i=>i:i=>i instanceof CSSStyleSheet?(e=>{let t="";for(let r of e.cssRules)t+=r.cssText;return fe(t)})(i):i;var{is:ze,defineProperty:Be,getOwnPropertyDescriptor:We,getOwnPropertyNames:Fe,getOwnPropertySymbols:Ke,getPrototypeOf:Ze}=Object,F=globalThis,ve=F.trustedTypes,Ve=ve?ve.emptyScript:"",Ge=F.reactiveElementPolyfillSupport,O=(i,e)=>i,D={toAttribute(i,e){switch(e){case Boolean:i=i?Ve:null;break;case Object:case Array:i=i==null?i:JSON.stringify(i)}return i},fromAttribute(i,e){let t=i;switch(e){case Boolean:t=i!==null;break;case Number:t=i===null?null:Number(i);break;case Object:case Array:try{t=JSON.parse(i)}catch{t=null}}return t}},K=(i,e)=>!ze(i,e),$e={attribute:!0,type:String,converter:D,reflect:!1,useDefault:!1,hasChanged:K};Symbol.metadata??=Symbol("metadata"),F.litPropertyMetadata??=new WeakMap;var b=class extends HTMLElement{static addInitializer(e){this._$Ei(),(this.l??=[]).push(e)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(e,t=$e){if(t.state&&(t.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(e)&&((t=Object.create(t)).wrapped=!0),this.elementProperties.set(e,t),!t.noAccessor){let r=Symbol(),s=this.getPropertyDescriptor(e,r,t);s!==void 0&&Be(this.prototype,e,s)}}static getPropertyDescriptor(e,t,r){let{get:s,set:n}=We(this.prototype,e)??{get(){return this[t]},set(o){this[t]=o}};return{get:s,set(o){let c=s?.call(this);n?.call(this,o),this.requestUpdate(e,c,r)},configurable:!0,enumerable:!0}}static getPropertyOptions(e){return this.elementProperties.get(e)??$e}static _$Ei(){if(this.hasOwnProperty(O("elementProperties")))return;let e=Ze(this);e.finalize(),e.l!==void 0&&(this.l=[...e.l]),this.elementProperties=new Map(e.elementProperties)}static finalize(){if(this.hasOwnProperty(O("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(O("properties"))){let t=this.properties,r=[...Fe(t),...Ke(t)];for(let s of r)this.createProperty(s,t[s])}let e=this[Symbol.metadata];if(e!==null){let t=litPropertyMetadata.get(e);if(t!==void 0)for(let[r,s]of t)this.elementProperties.set(r,s)}this._$Eh=new Map;for(let[t,r]of this.elementProperties){let s=this._$Eu(t,r);s!==void 0&&this._$Eh.set(s,t)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(e){let t=[];if(Array.isArray(e)){let r=new Set(e.flat(1/0).reverse());for(let s of r)t.unshift(te(s))}else e!==void 0&&t.push(te(e));return t}static _$Eu(e,t){let r=t.attribute;return r===!1?void 0:typeof r=="string"?r:typeof e=="string"?e.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(e=>this.enableUpdating=e),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(e=>e(this))}addController(e){(this._$EO??=new Set).add(e),this.renderRoot!==void 0&&this.isConnected&&e.hostConnected?.()}removeController(e){this._$EO?.delete(e)}_$E_(){let e=new Map,t=this.constructor.elementProperties;for(let r of t.keys())this.hasOwnProperty(r)&&(e.set(r,this[r]),delete this[r]);e.size>0&&(this._$Ep=e)}createRenderRoot(){let e=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return ge(e,this.constructor.elementStyles),e}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(e=>e.hostConnected?.())}enableUpdating(e){}disconnectedCallback(){this._$EO?.forEach(e=>e.hostDisconnected?.())}attributeChangedCallback(e,t,r){this._$AK(e,r)}_$ET(e,t){let r=this.constructor.elementProperties.get(e),s=this.constructor._$Eu(e,r);if(s!==void 0&&r.reflect===!0){let n=(r.converter?.toAttribute!==void 0?r.converter:D).toAttribute(t,r.type);this._$Em=e,n==null?this.removeAttribute(s):this.setAttribute(s,n),this._$Em=null}}_$AK(e,t){let r=this.constructor,s=r._$Eh.get(e);if(s!==void 0&&this._$Em!==s){let n=r.getPropertyOptions(s),o=typeof n.converter=="function"?{fromAttribute:n.converter}:n.converter?.fromAttribute!==void 0?n.converter:D;this._$Em=s;let c=o.fromAttribute(t,n.type);this[s]=c??this._$Ej?.get(s)??c,this._$Em=null}}requestUpdate(e,t,r,s=!1,n){if(e!==void 0){let o=this.constructor;if(s===!1&&(n=this[e]),r??=o.getPropertyOptions(e),!((r.hasChanged??K)(n,t)||r.useDefault&&r.reflect&&n===this._$Ej?.get(e)&&!this.hasAttribute(o._$Eu(e,r))))return;this.C(e,t,r)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(e,t,{useDefault:r,reflect:s,wrapped:n},o){r&&!(this._$Ej??=new Map).has(e)&&(this._$Ej.set(e,o??t??this[e]),n!==!0||o!==void 0)||(this._$AL.has(e)||(this.hasUpdated||r||(t=void 0),this._$AL.set(e,t)),s===!0&&this._$Em!==e&&(this._$Eq??=new Set).add(e))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(t){Promise.reject(t)}let e=this.scheduleUpdate();return e!=null&&await e,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[s,n]of this._$Ep)this[s]=n;this._$Ep=void 0}let r=this.constructor.elementProperties;if(r.size>0)for(let[s,n]of r){let{wrapped:o}=n,c=this[s];o!==!0||this._$AL.has(s)||c===void 0||this.C(s,void 0,n,c)}}let e=!1,t=this._$AL;try{e=this.shouldUpdate(t),e?(this.willUpdate(t),this._$EO?.forEach(r=>r.hostUpdate?.()),this.update(t)):this._$EM()}catch(r){throw e=!1,this._$EM(),r}e&&this._$AE(t)}willUpdate(e){}_$AE(e){this._$EO?.forEach(t=>t.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(e)),this.updated(e)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(e){return!0}update(e){this._$Eq&&=this._$Eq.forEach(t=>this._$ET(t,this[t])),this._$EM()}updated(e){}firstUpdated(e){}};b.elementStyles=[],b.shadowRootOptions={mode:"open"},b[O("elementProperties")]=new Map,b[O("finalized")]=new Map,Ge?.({ReactiveElement:b}),(F.reactiveElementVersions??=[]).push("2.1.2");var ce=globalThis,be=i=>i,Z=ce.trustedTypes,_e=Z?Z.createPolicy("lit-html",{createHTML:i=>i}):void 0,Ee="$lit$",y=`lit$${Math.random().toFixed(9).slice(2)}$`,Ce="?"+y,Je=`<${Ce}>`,E=document,L=()=>E.createComment(""),q=i=>i===null||typeof i!="object"&&typeof i!="function",de=Array.isArray,Ye=i=>de(i)||typeof i?.[Symbol.iterator]=="function",re=`[ 	
\f\r]`,N=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,ye=/-->/g,xe=/>/g,A=RegExp(`>|${re}(?:([^\\s"'>=/]+)(${re}*=${re}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),we=/'/g,Ae=/"/g,Pe=/^(?:script|style|textarea|title)$/i,le=i=>(e,...t)=>({_$litType$:i,strings:e,values:t}),l=le(1),ut=le(2),mt=le(3),C=Symbol.for("lit-noChange"),d=Symbol.for("lit-nothing"),Se=new WeakMap,S=E.createTreeWalker(E,129);function ke(i,e){if(!de(i)||!i.hasOwnProperty("raw"))throw Error("invalid template strings array");return _e!==void 0?_e.createHTML(e):e}var Qe=(i,e)=>{let t=i.length-1,r=[],s,n=e===2?"<svg>":e===3?"<math>":"",o=N;for(let c=0;c<t;c++){let a=i[c],p,u,h=-1,$=0;for(;$<a.length&&(o.lastIndex=$,u=o.exec(a),u!==null);)$=o.lastIndex,o===N?u[1]==="!--"?o=ye:u[1]!==void 0?o=xe:u[2]!==void 0?(Pe.test(u[2])&&(s=RegExp("</"+u[2],"g")),o=A):u[3]!==void 0&&(o=A):o===A?u[0]===">"?(o=s??N,h=-1):u[1]===void 0?h=-2:(h=o.lastIndex-u[2].length,p=u[1],o=u[3]===void 0?A:u[3]==='"'?Ae:we):o===Ae||o===we?o=A:o===ye||o===xe?o=N:(o=A,s=void 0);let _=o===A&&i[c+1].startsWith("/>")?" ":"";n+=o===N?a+Je:h>=0?(r.push(p),a.slice(0,h)+Ee+a.slice(h)+y+_):a+y+(h===-2?c:_)}return[ke(i,n+(i[t]||"<?>")+(e===2?"</svg>":e===3?"</math>":"")),r]},I=class i{constructor({strings:e,_$litType$:t},r){let s;this.parts=[];let n=0,o=0,c=e.length-1,a=this.parts,[p,u]=Qe(e,t);if(this.el=i.createElement(p,r),S.currentNode=this.el.content,t===2||t===3){let h=this.el.content.firstChild;h.replaceWith(...h.childNodes)}for(;(s=S.nextNode())!==null&&a.length<c;){if(s.nodeType===1){if(s.hasAttributes())for(let h of s.getAttributeNames())if(h.endsWith(Ee)){let $=u[o++],_=s.getAttribute(h).split(y),z=/([.?@])?(.*)/.exec($);a.push({type:1,index:n,name:z[2],strings:_,ctor:z[1]==="."?ie:z[1]==="?"?ne:z[1]==="@"?oe:H}),s.removeAttribute(h)}else h.startsWith(y)&&(a.push({type:6,index:n}),s.removeAttribute(h));if(Pe.test(s.tagName)){let h=s.textContent.split(y),$=h.length-1;if($>0){s.textContent=Z?Z.emptyScript:"";for(let _=0;_<$;_++)s.append(h[_],L()),S.nextNode(),a.push({type:2,index:++n});s.append(h[$],L())}}}else if(s.nodeType===8)if(s.data===Ce)a.push({type:2,index:n});else{let h=-1;for(;(h=s.data.indexOf(y,h+1))!==-1;)a.push({type:7,index:n}),h+=y.length-1}n++}}static createElement(e,t){let r=E.createElement("template");return r.innerHTML=e,r}};function k(i,e,t=i,r){if(e===C)return e;let s=r!==void 0?t._$Co?.[r]:t._$Cl,n=q(e)?void 0:e._$litDirective$;return s?.constructor!==n&&(s?._$AO?.(!1),n===void 0?s=void 0:(s=new n(i),s._$AT(i,t,r)),r!==void 0?(t._$Co??=[])[r]=s:t._$Cl=s),s!==void 0&&(e=k(i,s._$AS(i,e.values),s,r)),e}var se=class{constructor(e,t){this._$AV=[],this._$AN=void 0,this._$AD=e,this._$AM=t}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(e){let{el:{content:t},parts:r}=this._$AD,s=(e?.creationScope??E).importNode(t,!0);S.currentNode=s;let n=S.nextNode(),o=0,c=0,a=r[0];for(;a!==void 0;){if(o===a.index){let p;a.type===2?p=new j(n,n.nextSibling,this,e):a.type===1?p=new a.ctor(n,a.name,a.strings,this,e):a.type===6&&(p=new ae(n,this,e)),this._$AV.push(p),a=r[++c]}o!==a?.index&&(n=S.nextNode(),o++)}return S.currentNode=E,s}p(e){let t=0;for(let r of this._$AV)r!==void 0&&(r.strings!==void 0?(r._$AI(e,r,t),t+=r.strings.length-2):r._$AI(e[t])),t++}},j=class i{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(e,t,r,s){this.type=2,this._$AH=d,this._$AN=void 0,this._$AA=e,this._$AB=t,this._$AM=r,this.options=s,this._$Cv=s?.isConnected??!0}get parentNode(){let e=this._$AA.parentNode,t=this._$AM;return t!==void 0&&e?.nodeType===11&&(e=t.parentNode),e}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(e,t=this){e=k(this,e,t),q(e)?e===d||e==null||e===""?(this._$AH!==d&&this._$AR(),this._$AH=d):e!==this._$AH&&e!==C&&this._(e):e._$litType$!==void 0?this.$(e):e.nodeType!==void 0?this.T(e):Ye(e)?this.k(e):this._(e)}O(e){return this._$AA.parentNode.insertBefore(e,this._$AB)}T(e){this._$AH!==e&&(this._$AR(),this._$AH=this.O(e))}_(e){this._$AH!==d&&q(this._$AH)?this._$AA.nextSibling.data=e:this.T(E.createTextNode(e)),this._$AH=e}$(e){let{values:t,_$litType$:r}=e,s=typeof r=="number"?this._$AC(e):(r.el===void 0&&(r.el=I.createElement(ke(r.h,r.h[0]),this.options)),r);if(this._$AH?._$AD===s)this._$AH.p(t);else{let n=new se(s,this),o=n.u(this.options);n.p(t),this.T(o),this._$AH=n}}_$AC(e){let t=Se.get(e.strings);return t===void 0&&Se.set(e.strings,t=new I(e)),t}k(e){de(this._$AH)||(this._$AH=[],this._$AR());let t=this._$AH,r,s=0;for(let n of e)s===t.length?t.push(r=new i(this.O(L()),this.O(L()),this,this.options)):r=t[s],r._$AI(n),s++;s<t.length&&(this._$AR(r&&r._$AB.nextSibling,s),t.length=s)}_$AR(e=this._$AA.nextSibling,t){for(this._$AP?.(!1,!0,t);e!==this._$AB;){let r=be(e).nextSibling;be(e).remove(),e=r}}setConnected(e){this._$AM===void 0&&(this._$Cv=e,this._$AP?.(e))}},H=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(e,t,r,s,n){this.type=1,this._$AH=d,this._$AN=void 0,this.element=e,this.name=t,this._$AM=s,this.options=n,r.length>2||r[0]!==""||r[1]!==""?(this._$AH=Array(r.length-1).fill(new String),this.strings=r):this._$AH=d}_$AI(e,t=this,r,s){let n=this.strings,o=!1;if(n===void 0)e=k(this,e,t,0),o=!q(e)||e!==this._$AH&&e!==C,o&&(this._$AH=e);else{let c=e,a,p;for(e=n[0],a=0;a<n.length-1;a++)p=k(this,c[r+a],t,a),p===C&&(p=this._$AH[a]),o||=!q(p)||p!==this._$AH[a],p===d?e=d:e!==d&&(e+=(p??"")+n[a+1]),this._$AH[a]=p}o&&!s&&this.j(e)}j(e){e===d?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,e??"")}},ie=class extends H{constructor(){super(...arguments),this.type=3}j(e){this.element[this.name]=e===d?void 0:e}},ne=class extends H{constructor(){super(...arguments),this.type=4}j(e){this.element.toggleAttribute(this.name,!!e&&e!==d)}},oe=class extends H{constructor(e,t,r,s,n){super(e,t,r,s,n),this.type=5}_$AI(e,t=this){if((e=k(this,e,t,0)??d)===C)return;let r=this._$AH,s=e===d&&r!==d||e.capture!==r.capture||e.once!==r.once||e.passive!==r.passive,n=e!==d&&(r===d||s);s&&this.element.removeEventListener(this.name,this,r),n&&this.element.addEventListener(this.name,this,e),this._$AH=e}handleEvent(e){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,e):this._$AH.handleEvent(e)}},ae=class{constructor(e,t,r){this.element=e,this.type=6,this._$AN=void 0,this._$AM=t,this.options=r}get _$AU(){return this._$AM._$AU}_$AI(e){k(this,e)}};var Xe=ce.litHtmlPolyfillSupport;Xe?.(I,j),(ce.litHtmlVersions??=[]).push("3.3.3");var He=(i,e,t)=>{let r=t?.renderBefore??e,s=r._$litPart$;if(s===void 0){let n=t?.renderBefore??null;r._$litPart$=s=new j(e.insertBefore(L(),n),n,void 0,t??{})}return s._$AI(i),s};var he=globalThis,v=class extends b{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let e=super.createRenderRoot();return this.renderOptions.renderBefore??=e.firstChild,e}update(e){let t=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(e),this._$Do=He(t,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return C}};v._$litElement$=!0,v.finalized=!0,he.litElementHydrateSupport?.({LitElement:v});var et=he.litElementPolyfillSupport;et?.({LitElement:v});(he.litElementVersions??=[]).push("4.2.2");var tt={attribute:!0,type:String,converter:D,reflect:!1,hasChanged:K},rt=(i=tt,e,t)=>{let{kind:r,metadata:s}=t,n=globalThis.litPropertyMetadata.get(s);if(n===void 0&&globalThis.litPropertyMetadata.set(s,n=new Map),r==="setter"&&((i=Object.create(i)).wrapped=!0),n.set(t.name,i),r==="accessor"){let{name:o}=t;return{set(c){let a=e.get.call(this);e.set.call(this,c),this.requestUpdate(o,a,i,!0,c)},init(c){return c!==void 0&&this.C(o,void 0,i,c),c}}}if(r==="setter"){let{name:o}=t;return function(c){let a=this[o];e.call(this,c),this.requestUpdate(o,a,i,!0,c)}}throw Error("Unsupported decorator location: "+r)};function R(i){return(e,t)=>typeof t=="object"?rt(i,e,t):((r,s,n)=>{let o=s.hasOwnProperty(n);return s.constructor.createProperty(n,r),o?Object.getOwnPropertyDescriptor(s,n):void 0})(i,e,t)}function f(i){return R({...i,state:!0,attribute:!1})}var P=(i,e,t)=>(t.configurable=!0,t.enumerable=!0,Reflect.decorate&&typeof e!="object"&&Object.defineProperty(i,e,t),t);function Re(i,e){return(t,r,s)=>{let n=o=>o.renderRoot?.querySelector(i)??null;if(e){let{get:o,set:c}=typeof r=="object"?t:s??(()=>{let a=Symbol();return{get(){return this[a]},set(p){this[a]=p}}})();return P(t,r,{get(){let a=o.call(this);return a===void 0&&(a=n(this),(a!==null||this.hasUpdated)&&c.call(this,a)),a}})}return P(t,r,{get(){return n(this)}})}}function Te(i,e,t){return i.callWS({type:"doorbell_vault/requests/decide",request_id:e,decision:"share",...t})}function Me(i,e,t,r){let s={request_id:e,decision:"decline"};return t.trim()&&(s.message=t.trim()),r&&(s.always_decline_agency=!0),i.callWS({type:"doorbell_vault/requests/decide",...s})}function V(i){return i&&typeof i=="object"&&"message"in i?String(i.message):String(i)}function G(i,e,t=5){return i.connection.subscribeMessage(e,{type:"doorbell_vault/card/subscribe",decided:t})}async function J(i){return(await i.callWS({type:"doorbell_vault/strings",language:i.language})).strings}function T(i){return(e,t)=>{let r=i[e];return r===void 0?e:t?r.replace(/\{(\w+)\}/g,(s,n)=>n in t?String(t[n]):s):r}}var Y=w`
  :host {
    display: block;
    color: var(--primary-text-color, #212121);
    font-family: var(--ha-font-family-body, Roboto, "Noto Sans", sans-serif);
    --dv-gap: 16px;
    --dv-card: var(--card-background-color, #fff);
    --dv-border: var(--divider-color, #e0e0e0);
    --dv-muted: var(--secondary-text-color, #727272);
    --dv-accent: var(--primary-color, #03a9f4);
    --dv-error: var(--error-color, #db4437);
    --dv-warning: var(--warning-color, #ffa600);
    --dv-success: var(--success-color, #43a047);
  }
  .card {
    background: var(--dv-card);
    border: 1px solid var(--dv-border);
    border-radius: var(--ha-card-border-radius, 12px);
    padding: var(--dv-gap);
    margin-bottom: var(--dv-gap);
    box-sizing: border-box;
  }
  h2 {
    font-size: 1.25rem;
    font-weight: 500;
    margin: 0 0 12px;
  }
  h3 {
    font-size: 1rem;
    font-weight: 500;
    margin: 0 0 8px;
  }
  .muted {
    color: var(--dv-muted);
  }
  .error {
    color: var(--dv-error);
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: 8px;
    border: 1px solid var(--dv-border);
    background: var(--dv-card);
    color: inherit;
    padding: 8px 14px;
    min-height: 40px;
  }
  button.primary {
    background: var(--dv-accent);
    border-color: var(--dv-accent);
    color: var(--text-primary-color, #fff);
  }
  button.danger {
    color: var(--dv-error);
    border-color: var(--dv-error);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  select,
  input[type="number"],
  input[type="text"],
  textarea {
    font: inherit;
    color: inherit;
    background: var(--dv-card);
    border: 1px solid var(--dv-border);
    border-radius: 8px;
    padding: 8px;
    box-sizing: border-box;
    min-height: 40px;
  }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 2px 10px;
    font-size: 0.8rem;
    border: 1px solid currentColor;
    white-space: nowrap;
  }
  .status-pending {
    color: var(--dv-warning);
  }
  .status-shared {
    color: var(--dv-accent);
  }
  .status-declined,
  .status-rejected,
  .status-revoked {
    color: var(--dv-error);
  }
  .status-expired,
  .status-withdrawn {
    color: var(--dv-muted);
  }
  .verified {
    color: var(--dv-success);
  }
  .unverified {
    color: var(--dv-warning);
  }
  .badge.verified::before {
    content: "✓ ";
  }
  .badge.unverified {
    font-weight: 600;
  }
  .badge.unverified::before {
    content: "! ";
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 6px 8px;
    border-bottom: 1px solid var(--dv-border);
    vertical-align: top;
  }
  th {
    font-weight: 500;
    color: var(--dv-muted);
  }
  .table-wrap {
    overflow-x: auto;
  }
`;var x=class extends v{constructor(){super(...arguments);this.asked=!1}setConfig(t){this.config=t}willUpdate(t){if(!t.has("hass")||!this.hass||this.asked)return;this.asked=!0;let r=this.hass;J(r).then(n=>this.t=T(n)).catch(()=>this.t=T({}));let s=G(r,n=>{this.cameras=n.visible?n.cameras:[],s.then(o=>o()).catch(()=>{})},0);s.catch(()=>this.cameras=[])}change(t){if(!this.config)return;let r={...this.config,...t};r.cameras&&!r.cameras.length&&delete r.cameras,this.config=r,this.dispatchEvent(new CustomEvent("config-changed",{detail:{config:r},bubbles:!0,composed:!0}))}toggleCamera(t,r){let s=new Set(this.config?.cameras??[]);r?s.add(t):s.delete(t),this.change({cameras:(this.cameras??[]).filter(n=>s.has(n))})}render(){let t=this.t,r=this.config;if(!t||!r)return d;let s=r.cameras??[];return l`
      <fieldset>
        <legend>${t("card_editor_cameras")}</legend>
        <p class="muted">${t("card_editor_cameras_help")}</p>
        ${(this.cameras??[]).map(n=>l`<label class="check"
            ><input
              type="checkbox"
              name="camera"
              .value=${n}
              .checked=${s.includes(n)}
              @change=${o=>this.toggleCamera(n,o.target.checked)}
            />${n}</label
          >`)}
      </fieldset>
      <label class="check"
        ><input
          type="checkbox"
          name="show_decided"
          .checked=${r.show_decided!==!1}
          @change=${n=>this.change({show_decided:n.target.checked})}
        />${t("card_editor_show_decided")}</label
      >
      <label class="check"
        ><input
          type="checkbox"
          name="compact"
          .checked=${r.compact===!0}
          @change=${n=>this.change({compact:n.target.checked})}
        />${t("card_editor_compact")}</label
      >
    `}static{this.styles=[Y,w`
      fieldset {
        border: 1px solid var(--dv-border);
        border-radius: 8px;
        margin: 0 0 12px;
        padding: 8px 12px;
      }
      .check {
        display: flex;
        align-items: center;
        gap: 8px;
        min-height: 40px;
      }
      input[type="checkbox"] {
        width: 20px;
        height: 20px;
      }
      p {
        margin: 0 0 4px;
      }
    `]}};m([R({attribute:!1})],x.prototype,"hass",2),m([f()],x.prototype,"config",2),m([f()],x.prototype,"t",2),m([f()],x.prototype,"cameras",2);function st(i){return i.locale?.time_zone==="server"?i.config.time_zone:void 0}function pe(i){return i.locale?.language??i.language??"en"}function it(i){let e=i.locale?.time_format;if(e==="12")return!0;if(e==="24")return!1}var Ue=new Map;function nt(i,e){let t=st(i),r=it(i),s=JSON.stringify([pe(i),t,r,e]),n=Ue.get(s);return n||(n=new Intl.DateTimeFormat(pe(i),{...e,...t?{timeZone:t}:{},...r===void 0?{}:{hour12:r}}),Ue.set(s,n)),n}function Oe(i,e){return e?nt(i,{dateStyle:"medium",timeStyle:"medium"}).format(new Date(e)):""}function ue(i){return i?new Date(i).toISOString().replace("T"," ").replace(/\.\d+Z$/," UTC").replace(/Z$/," UTC"):""}function De(i){let e=Math.max(0,Math.round(i)),t=Math.floor(e/3600),r=Math.floor(e%3600/60),s=e%60,n=t?String(r).padStart(2,"0"):String(r);return`${t?`${t}:`:""}${n}:${String(s).padStart(2,"0")}`}function Ne(i,e){let t=Math.max(0,Math.round(e/6e4)),r=Math.floor(t/1440),s=Math.floor(t%1440/60),n=t%60,o=(c,a)=>new Intl.NumberFormat(pe(i),{style:"unit",unit:a,unitDisplay:"short"}).format(c);return r?`${o(r,"day")} ${o(s,"hour")}`:s?`${o(s,"hour")} ${o(n,"minute")}`:o(n,"minute")}function Q(i){return new Date(i).getTime()}function Le(i,e=!1){e?history.replaceState(null,"",i):history.pushState(null,"",i),window.dispatchEvent(new CustomEvent("location-changed",{detail:{replace:e}}))}var X="/doorbell-vault";var M="doorbell-vault-requests-card",ot=5;function at(i){if(!i||typeof i!="object")throw new Error("Invalid configuration");let{cameras:e,show_decided:t,compact:r}=i;if(e!==void 0&&(!Array.isArray(e)||e.some(s=>typeof s!="string")))throw new Error("cameras: a list of camera names");for(let[s,n]of[["show_decided",t],["compact",r]])if(n!==void 0&&typeof n!="boolean")throw new Error(`${s}: true or false`);return i}var g=class extends v{constructor(){super(...arguments);this.config={type:`custom:${M}`};this.now=Date.now();this.rendered=!1}static getConfigElement(){return document.createElement(`${M}-editor`)}static getStubConfig(){return{show_decided:!0,compact:!1}}setConfig(t){this.config=at(t)}getCardSize(){return this.config.compact?3:5}connectedCallback(){super.connectedCallback(),performance.mark("doorbell-vault:card-connected"),this.timer=window.setInterval(()=>this.now=Date.now(),3e4),this.hass&&this.subscribe()}disconnectedCallback(){super.disconnectedCallback(),window.clearInterval(this.timer);let t=this.unsubscribe;this.unsubscribe=void 0,t&&t.then(r=>r()).catch(()=>{})}willUpdate(t){t.has("hass")&&this.hass&&(this.hass.language!==this.language&&(this.language=this.hass.language,J(this.hass).then(r=>this.t=T(r)).catch(r=>{this.error=V(r),this.t=T({})})),!this.unsubscribe&&this.isConnected&&this.subscribe()),this.snapshot?.visible===!1?this.setAttribute("hidden",""):this.removeAttribute("hidden")}updated(){!this.rendered&&this.t&&this.snapshot&&(this.rendered=!0,performance.mark("doorbell-vault:card-rendered"))}subscribe(){!this.hass||this.unsubscribe||(this.unsubscribe=G(this.hass,t=>{this.snapshot=t,this.now=Date.now()},this.config.show_decided===!1?0:ot),this.unsubscribe.catch(t=>{this.unsubscribe=void 0,this.error=V(t)}))}chosen(t){let r=this.config.cameras;return r?.length?t.filter(s=>s.cameras_with_footage.some(n=>r.includes(n))):t}review(t,r){t.preventDefault(),Le(`${X}/request/${encodeURIComponent(r)}`)}ask(t,r){this.confirming={action:t,request:r,busy:!1},this.updateComplete.then(()=>this.dialog?.showModal())}close(){this.dialog?.close(),this.confirming=void 0}async confirm(){let t=this.confirming;if(!this.hass||!t||t.busy)return;this.confirming={...t,busy:!0,error:void 0};let r=t.request.request_id;try{if(t.action==="decline")await Me(this.hass,r,"",!1),this.close();else{let s=await Te(this.hass,r,{});this.confirming={...t,busy:!1,link:s.share?.share_url}}}catch(s){this.confirming={...t,busy:!1,error:V(s)}}}copy(t){let r=t.target.parentElement?.querySelector("input");r&&(r.select(),navigator.clipboard?.writeText(r.value).catch(()=>{}))}renderCameras(t){let r=this.t,s=this.config.cameras?.length?t.cameras_with_footage.filter(n=>this.config.cameras.includes(n)):t.cameras_with_footage;return s.length?l`<span class="cameras" aria-label=${r("card_footage_on")}
      >${s.map(n=>l`<span class="chip">${n}</span>`)}</span
    >`:l`<span class="muted no-footage">${r("card_no_footage")}</span>`}renderPending(t,r){let s=this.t,n=this.hass,o=Q(t.deadline)-this.now,c=this.config.compact===!0;return l`<li class="request" data-request-id=${t.request_id}>
      <div class="line">
        <strong class="agency">${t.agency}</strong>
        <span class="muted case">${t.case_number??s("no_case_number")}</span>
        <span
          class="badge ${t.verified?"verified":"unverified"}"
          data-verified=${String(t.verified)}
          title=${t.verified?s("verified_help"):s("unverified_help")}
          >${t.verified?s("verified"):s("unverified")}</span
        >
        <span class="deadline"
          >${o>0?s("time_left",{span:Ne(n,o)}):s("deadline_passed")}</span
        >
      </div>
      ${c?d:l`<div class="line details">
            <span class="window" title=${`${ue(t.start)} – ${ue(t.end)}`}
              >${Oe(n,t.start)}
              <span class="muted"
                >${s("window_length",{duration:De((Q(t.end)-Q(t.start))/1e3)})}</span
              ></span
            >
            ${this.renderCameras(t)}
            ${t.problems.length?l`<span class="badge problems"
                  >${s("problem_count",{count:t.problems.length})}</span
                >`:d}
            ${t.progress?l`<span class="muted">${t.progress}</span>`:d}
          </div>`}
      ${r?l`<div class="actions">
            <a
              class="review"
              href="${X}/request/${encodeURIComponent(t.request_id)}"
              @click=${a=>this.review(a,t.request_id)}
              >${s("card_review")}</a
            >
            <button class="decline danger" @click=${()=>this.ask("decline",t)}>
              ${s("card_decline")}
            </button>
            <button class="share primary" @click=${()=>this.ask("share",t)}>
              ${s("card_share_defaults")}
            </button>
          </div>`:d}
    </li>`}renderDecided(t){let r=this.t,s=t.decided_by;return l`<li class="decided" data-request-id=${t.request_id}>
      <span class="badge status-${t.status}" data-status=${t.status}
        >${r(`status_${t.status}`)}</span
      >
      <span class="agency">${t.agency}</span>
      <span class="muted">${t.case_number??r("no_case_number")}</span>
      ${s?l`<span class="muted by"
            >${r(s==="user"?"card_decided_by_user":`decided_by_${s}`)}</span
          >`:d}
    </li>`}renderDialog(){let t=this.t,r=this.confirming;if(!r)return d;let s={agency:r.request.agency,case:r.request.case_number??t("no_case_number")},n=r.action==="decline";return l`<dialog
      aria-labelledby="confirm-title"
      @close=${()=>this.confirming=void 0}
      data-action=${r.action}
    >
      <h2 id="confirm-title">${t(n?"card_confirm_decline_title":"card_confirm_share_title")}</h2>
      ${r.link?l`<p>${t("card_link_once")}</p>
            <div class="row link">
              <input class="share-url" type="text" readonly .value=${r.link} aria-label=${t("card_link")} />
              <button @click=${this.copy}>${t("copy")}</button>
            </div>
            <div class="row end">
              <button class="close primary" @click=${this.close} autofocus>${t("card_close")}</button>
            </div>`:l`<p>${t(n?"card_confirm_decline":"card_confirm_share",s)}</p>
            ${r.error?l`<p class="error" role="alert">${r.error}</p>`:d}
            <div class="row end">
              <button class="cancel" @click=${this.close} ?disabled=${r.busy} autofocus>${t("cancel")}</button>
              <button
                class="confirm ${n?"danger":"primary"}"
                @click=${()=>{this.confirm()}}
                ?disabled=${r.busy}
              >
                ${t(n?"card_decline":"card_share_defaults")}
              </button>
            </div>`}
    </dialog>`}render(){let t=this.snapshot,r=this.t;if(t?.visible===!1)return d;if(!r||!t)return l`<ha-card class="card" aria-busy="true">
        ${this.error?l`<p class="error">${this.error}</p>`:l`<div class="loading"></div>`}
      </ha-card>`;let s=this.chosen(t.pending),n=this.config.show_decided===!1?[]:this.chosen(t.decided),o=t.pending_total-t.pending.length;return l`<ha-card class="card ${this.config.compact?"compact":""}">
      <header>
        <h2>${r("title")}</h2>
        <span class="count badge status-pending" aria-live="polite" data-count=${s.length}
          >${r("card_pending_count",{count:s.length})}</span
        >
      </header>
      ${this.error?l`<p class="error" role="alert">${this.error}</p>`:d}
      ${s.length?l`<ul class="pending">
            ${s.map(c=>this.renderPending(c,t.can_decide))}
          </ul>`:l`<p class="muted empty">${r("card_none_pending")}</p>`}
      ${o>0?l`<p class="muted more">
            ${t.can_decide?l`<a href=${X} @click=${c=>this.review(c,"")}
                  >${r("card_more",{count:o})}</a
                >`:r("card_more",{count:o})}
          </p>`:d}
      ${t.can_decide?d:l`<p class="muted read-only">${r("card_read_only")}</p>`}
      ${n.length?l`<h3>${r("card_recent")}</h3>
            <ul class="decided">
              ${n.map(c=>this.renderDecided(c))}
            </ul>`:d}
      ${t.can_decide?this.renderDialog():d}
    </ha-card>`}static{this.styles=[Y,w`
      :host([hidden]) {
        display: none;
      }
      ha-card,
      .card {
        display: block;
        padding: var(--dv-gap);
        margin: 0;
        height: 100%;
      }
      header {
        display: flex;
        align-items: center;
        gap: 8px;
        flex-wrap: wrap;
        margin-bottom: 8px;
      }
      header h2 {
        margin: 0;
        flex: 1;
        min-width: 0;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li.request {
        padding: 10px 0;
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      li + li {
        border-top: 1px solid var(--dv-border);
      }
      .line {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 10px;
        align-items: center;
        min-width: 0;
      }
      .agency {
        overflow-wrap: anywhere;
      }
      .deadline {
        margin-left: auto;
        font-weight: 500;
        white-space: nowrap;
      }
      .details {
        font-size: 0.9rem;
      }
      .window {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 0 6px;
      }
      .cameras {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .chip {
        border-radius: 999px;
        padding: 1px 8px;
        font-size: 0.8rem;
        background: var(--secondary-background-color, #f3f3f3);
      }
      .problems {
        color: var(--dv-warning);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      .actions a.review {
        color: var(--dv-accent);
        padding: 8px 4px;
        margin-right: auto;
      }
      a:focus-visible,
      button:focus-visible {
        outline: 2px solid var(--dv-accent);
        outline-offset: 2px;
      }
      li.decided {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 8px;
        align-items: center;
        padding: 6px 0;
        font-size: 0.9rem;
      }
      .by {
        margin-left: auto;
      }
      h3 {
        margin-top: 12px;
      }
      .compact li.request {
        padding: 6px 0;
        gap: 4px;
      }
      .compact .actions button {
        min-height: 32px;
        padding: 4px 10px;
      }
      .more a {
        color: var(--dv-accent);
      }
      .empty,
      .more,
      .read-only {
        margin: 8px 0 0;
      }
      .loading {
        min-height: 80px;
      }
      dialog {
        border: 1px solid var(--dv-border);
        border-radius: var(--ha-card-border-radius, 12px);
        background: var(--dv-card);
        color: var(--primary-text-color, #212121);
        max-width: min(92vw, 440px);
        padding: 20px;
      }
      dialog::backdrop {
        background: rgba(0, 0, 0, 0.4);
      }
      .row.end {
        justify-content: flex-end;
        margin-top: 12px;
      }
      .link input {
        flex: 1;
        min-width: 0;
      }
    `]}};m([R({attribute:!1})],g.prototype,"hass",2),m([f()],g.prototype,"config",2),m([f()],g.prototype,"t",2),m([f()],g.prototype,"snapshot",2),m([f()],g.prototype,"error",2),m([f()],g.prototype,"confirming",2),m([f()],g.prototype,"now",2),m([Re("dialog")],g.prototype,"dialog",2);function qe(){let i=[[M,g],[`${M}-editor`,x]];for(let[e,t]of i)customElements.get(e)||customElements.define(e,t)}qe();customElements.whenDefined("home-assistant").then(qe);window.customCards=window.customCards??[];window.customCards.some(i=>i.type===M)||window.customCards.push({type:M,name:"Footage requests",description:"Pending footage requests and recent decisions; administrators decline or share here.",preview:!1,documentationURL:"https://github.com/doorbell-vault/doorbell-vault#the-dashboard-card"});export{M as CARD_TYPE,g as DoorbellVaultRequestsCard,at as checkConfig,qe as defineElements};
