var ge=Object.defineProperty;var fe=Object.getOwnPropertyDescriptor;var l=(i,s,t,e)=>{for(var r=e>1?void 0:e?fe(s,t):s,a=i.length-1,n;a>=0;a--)(n=i[a])&&(r=(e?n(s,t,r):n(r))||r);return e&&r&&ge(s,t,r),r};var dt=globalThis,lt=dt.ShadowRoot&&(dt.ShadyCSS===void 0||dt.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,vt=Symbol(),Ot=new WeakMap,X=class{constructor(s,t,e){if(this._$cssResult$=!0,e!==vt)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=s,this.t=t}get styleSheet(){let s=this.o,t=this.t;if(lt&&s===void 0){let e=t!==void 0&&t.length===1;e&&(s=Ot.get(t)),s===void 0&&((this.o=s=new CSSStyleSheet).replaceSync(this.cssText),e&&Ot.set(t,s))}return s}toString(){return this.cssText}},Ut=i=>new X(typeof i=="string"?i:i+"",void 0,vt),x=(i,...s)=>{let t=i.length===1?i[0]:s.reduce((e,r,a)=>e+(n=>{if(n._$cssResult$===!0)return n.cssText;if(typeof n=="number")return n;throw Error("Value passed to 'css' function must be a 'css' function result: "+n+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(r)+i[a+1],i[0]);return new X(t,i,vt)},Nt=(i,s)=>{if(lt)i.adoptedStyleSheets=s.map(t=>t instanceof CSSStyleSheet?t:t.styleSheet);else for(let t of s){let e=document.createElement("style"),r=dt.litNonce;r!==void 0&&e.setAttribute("nonce",r),e.textContent=t.cssText,i.appendChild(e)}},bt=lt?i=>i:i=>i instanceof CSSStyleSheet?(s=>{let t="";for(let e of s.cssRules)t+=e.cssText;return Ut(t)})(i):i;var{is:ve,defineProperty:be,getOwnPropertyDescriptor:$e,getOwnPropertyNames:ye,getOwnPropertySymbols:_e,getPrototypeOf:xe}=Object,ct=globalThis,Lt=ct.trustedTypes,we=Lt?Lt.emptyScript:"",Se=ct.reactiveElementPolyfillSupport,Q=(i,s)=>i,Y={toAttribute(i,s){switch(s){case Boolean:i=i?we:null;break;case Object:case Array:i=i==null?i:JSON.stringify(i)}return i},fromAttribute(i,s){let t=i;switch(s){case Boolean:t=i!==null;break;case Number:t=i===null?null:Number(i);break;case Object:case Array:try{t=JSON.parse(i)}catch{t=null}}return t}},ht=(i,s)=>!ve(i,s),jt={attribute:!0,type:String,converter:Y,reflect:!1,useDefault:!1,hasChanged:ht};Symbol.metadata??=Symbol("metadata"),ct.litPropertyMetadata??=new WeakMap;var M=class extends HTMLElement{static addInitializer(s){this._$Ei(),(this.l??=[]).push(s)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(s,t=jt){if(t.state&&(t.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(s)&&((t=Object.create(t)).wrapped=!0),this.elementProperties.set(s,t),!t.noAccessor){let e=Symbol(),r=this.getPropertyDescriptor(s,e,t);r!==void 0&&be(this.prototype,s,r)}}static getPropertyDescriptor(s,t,e){let{get:r,set:a}=$e(this.prototype,s)??{get(){return this[t]},set(n){this[t]=n}};return{get:r,set(n){let c=r?.call(this);a?.call(this,n),this.requestUpdate(s,c,e)},configurable:!0,enumerable:!0}}static getPropertyOptions(s){return this.elementProperties.get(s)??jt}static _$Ei(){if(this.hasOwnProperty(Q("elementProperties")))return;let s=xe(this);s.finalize(),s.l!==void 0&&(this.l=[...s.l]),this.elementProperties=new Map(s.elementProperties)}static finalize(){if(this.hasOwnProperty(Q("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(Q("properties"))){let t=this.properties,e=[...ye(t),..._e(t)];for(let r of e)this.createProperty(r,t[r])}let s=this[Symbol.metadata];if(s!==null){let t=litPropertyMetadata.get(s);if(t!==void 0)for(let[e,r]of t)this.elementProperties.set(e,r)}this._$Eh=new Map;for(let[t,e]of this.elementProperties){let r=this._$Eu(t,e);r!==void 0&&this._$Eh.set(r,t)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(s){let t=[];if(Array.isArray(s)){let e=new Set(s.flat(1/0).reverse());for(let r of e)t.unshift(bt(r))}else s!==void 0&&t.push(bt(s));return t}static _$Eu(s,t){let e=t.attribute;return e===!1?void 0:typeof e=="string"?e:typeof s=="string"?s.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(s=>this.enableUpdating=s),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(s=>s(this))}addController(s){(this._$EO??=new Set).add(s),this.renderRoot!==void 0&&this.isConnected&&s.hostConnected?.()}removeController(s){this._$EO?.delete(s)}_$E_(){let s=new Map,t=this.constructor.elementProperties;for(let e of t.keys())this.hasOwnProperty(e)&&(s.set(e,this[e]),delete this[e]);s.size>0&&(this._$Ep=s)}createRenderRoot(){let s=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return Nt(s,this.constructor.elementStyles),s}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(s=>s.hostConnected?.())}enableUpdating(s){}disconnectedCallback(){this._$EO?.forEach(s=>s.hostDisconnected?.())}attributeChangedCallback(s,t,e){this._$AK(s,e)}_$ET(s,t){let e=this.constructor.elementProperties.get(s),r=this.constructor._$Eu(s,e);if(r!==void 0&&e.reflect===!0){let a=(e.converter?.toAttribute!==void 0?e.converter:Y).toAttribute(t,e.type);this._$Em=s,a==null?this.removeAttribute(r):this.setAttribute(r,a),this._$Em=null}}_$AK(s,t){let e=this.constructor,r=e._$Eh.get(s);if(r!==void 0&&this._$Em!==r){let a=e.getPropertyOptions(r),n=typeof a.converter=="function"?{fromAttribute:a.converter}:a.converter?.fromAttribute!==void 0?a.converter:Y;this._$Em=r;let c=n.fromAttribute(t,a.type);this[r]=c??this._$Ej?.get(r)??c,this._$Em=null}}requestUpdate(s,t,e,r=!1,a){if(s!==void 0){let n=this.constructor;if(r===!1&&(a=this[s]),e??=n.getPropertyOptions(s),!((e.hasChanged??ht)(a,t)||e.useDefault&&e.reflect&&a===this._$Ej?.get(s)&&!this.hasAttribute(n._$Eu(s,e))))return;this.C(s,t,e)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(s,t,{useDefault:e,reflect:r,wrapped:a},n){e&&!(this._$Ej??=new Map).has(s)&&(this._$Ej.set(s,n??t??this[s]),a!==!0||n!==void 0)||(this._$AL.has(s)||(this.hasUpdated||e||(t=void 0),this._$AL.set(s,t)),r===!0&&this._$Em!==s&&(this._$Eq??=new Set).add(s))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(t){Promise.reject(t)}let s=this.scheduleUpdate();return s!=null&&await s,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[r,a]of this._$Ep)this[r]=a;this._$Ep=void 0}let e=this.constructor.elementProperties;if(e.size>0)for(let[r,a]of e){let{wrapped:n}=a,c=this[r];n!==!0||this._$AL.has(r)||c===void 0||this.C(r,void 0,a,c)}}let s=!1,t=this._$AL;try{s=this.shouldUpdate(t),s?(this.willUpdate(t),this._$EO?.forEach(e=>e.hostUpdate?.()),this.update(t)):this._$EM()}catch(e){throw s=!1,this._$EM(),e}s&&this._$AE(t)}willUpdate(s){}_$AE(s){this._$EO?.forEach(t=>t.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(s)),this.updated(s)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(s){return!0}update(s){this._$Eq&&=this._$Eq.forEach(t=>this._$ET(t,this[t])),this._$EM()}updated(s){}firstUpdated(s){}};M.elementStyles=[],M.shadowRootOptions={mode:"open"},M[Q("elementProperties")]=new Map,M[Q("finalized")]=new Map,Se?.({ReactiveElement:M}),(ct.reactiveElementVersions??=[]).push("2.1.2");var kt=globalThis,It=i=>i,pt=kt.trustedTypes,zt=pt?pt.createPolicy("lit-html",{createHTML:i=>i}):void 0,Gt="$lit$",N=`lit$${Math.random().toFixed(9).slice(2)}$`,Jt="?"+N,ke=`<${Jt}>`,F=document,V=()=>F.createComment(""),tt=i=>i===null||typeof i!="object"&&typeof i!="function",Et=Array.isArray,Ee=i=>Et(i)||typeof i?.[Symbol.iterator]=="function",$t=`[ 	
\f\r]`,D=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,Ft=/-->/g,Bt=/>/g,I=RegExp(`>|${$t}(?:([^\\s"'>=/]+)(${$t}*=${$t}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),Wt=/'/g,Kt=/"/g,Xt=/^(?:script|style|textarea|title)$/i,At=i=>(s,...t)=>({_$litType$:i,strings:s,values:t}),o=At(1),Ct=At(2),ze=At(3),B=Symbol.for("lit-noChange"),h=Symbol.for("lit-nothing"),Zt=new WeakMap,z=F.createTreeWalker(F,129);function Qt(i,s){if(!Et(i)||!i.hasOwnProperty("raw"))throw Error("invalid template strings array");return zt!==void 0?zt.createHTML(s):s}var Ae=(i,s)=>{let t=i.length-1,e=[],r,a=s===2?"<svg>":s===3?"<math>":"",n=D;for(let c=0;c<t;c++){let d=i[c],u,b,m=-1,S=0;for(;S<d.length&&(n.lastIndex=S,b=n.exec(d),b!==null);)S=n.lastIndex,n===D?b[1]==="!--"?n=Ft:b[1]!==void 0?n=Bt:b[2]!==void 0?(Xt.test(b[2])&&(r=RegExp("</"+b[2],"g")),n=I):b[3]!==void 0&&(n=I):n===I?b[0]===">"?(n=r??D,m=-1):b[1]===void 0?m=-2:(m=n.lastIndex-b[2].length,u=b[1],n=b[3]===void 0?I:b[3]==='"'?Kt:Wt):n===Kt||n===Wt?n=I:n===Ft||n===Bt?n=D:(n=I,r=void 0);let k=n===I&&i[c+1].startsWith("/>")?" ":"";a+=n===D?d+ke:m>=0?(e.push(u),d.slice(0,m)+Gt+d.slice(m)+N+k):d+N+(m===-2?c:k)}return[Qt(i,a+(i[t]||"<?>")+(s===2?"</svg>":s===3?"</math>":"")),e]},et=class i{constructor({strings:s,_$litType$:t},e){let r;this.parts=[];let a=0,n=0,c=s.length-1,d=this.parts,[u,b]=Ae(s,t);if(this.el=i.createElement(u,e),z.currentNode=this.el.content,t===2||t===3){let m=this.el.content.firstChild;m.replaceWith(...m.childNodes)}for(;(r=z.nextNode())!==null&&d.length<c;){if(r.nodeType===1){if(r.hasAttributes())for(let m of r.getAttributeNames())if(m.endsWith(Gt)){let S=b[n++],k=r.getAttribute(m).split(N),j=/([.?@])?(.*)/.exec(S);d.push({type:1,index:a,name:j[2],strings:k,ctor:j[1]==="."?_t:j[1]==="?"?xt:j[1]==="@"?wt:Z}),r.removeAttribute(m)}else m.startsWith(N)&&(d.push({type:6,index:a}),r.removeAttribute(m));if(Xt.test(r.tagName)){let m=r.textContent.split(N),S=m.length-1;if(S>0){r.textContent=pt?pt.emptyScript:"";for(let k=0;k<S;k++)r.append(m[k],V()),z.nextNode(),d.push({type:2,index:++a});r.append(m[S],V())}}}else if(r.nodeType===8)if(r.data===Jt)d.push({type:2,index:a});else{let m=-1;for(;(m=r.data.indexOf(N,m+1))!==-1;)d.push({type:7,index:a}),m+=N.length-1}a++}}static createElement(s,t){let e=F.createElement("template");return e.innerHTML=s,e}};function K(i,s,t=i,e){if(s===B)return s;let r=e!==void 0?t._$Co?.[e]:t._$Cl,a=tt(s)?void 0:s._$litDirective$;return r?.constructor!==a&&(r?._$AO?.(!1),a===void 0?r=void 0:(r=new a(i),r._$AT(i,t,e)),e!==void 0?(t._$Co??=[])[e]=r:t._$Cl=r),r!==void 0&&(s=K(i,r._$AS(i,s.values),r,e)),s}var yt=class{constructor(s,t){this._$AV=[],this._$AN=void 0,this._$AD=s,this._$AM=t}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(s){let{el:{content:t},parts:e}=this._$AD,r=(s?.creationScope??F).importNode(t,!0);z.currentNode=r;let a=z.nextNode(),n=0,c=0,d=e[0];for(;d!==void 0;){if(n===d.index){let u;d.type===2?u=new st(a,a.nextSibling,this,s):d.type===1?u=new d.ctor(a,d.name,d.strings,this,s):d.type===6&&(u=new St(a,this,s)),this._$AV.push(u),d=e[++c]}n!==d?.index&&(a=z.nextNode(),n++)}return z.currentNode=F,r}p(s){let t=0;for(let e of this._$AV)e!==void 0&&(e.strings!==void 0?(e._$AI(s,e,t),t+=e.strings.length-2):e._$AI(s[t])),t++}},st=class i{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(s,t,e,r){this.type=2,this._$AH=h,this._$AN=void 0,this._$AA=s,this._$AB=t,this._$AM=e,this.options=r,this._$Cv=r?.isConnected??!0}get parentNode(){let s=this._$AA.parentNode,t=this._$AM;return t!==void 0&&s?.nodeType===11&&(s=t.parentNode),s}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(s,t=this){s=K(this,s,t),tt(s)?s===h||s==null||s===""?(this._$AH!==h&&this._$AR(),this._$AH=h):s!==this._$AH&&s!==B&&this._(s):s._$litType$!==void 0?this.$(s):s.nodeType!==void 0?this.T(s):Ee(s)?this.k(s):this._(s)}O(s){return this._$AA.parentNode.insertBefore(s,this._$AB)}T(s){this._$AH!==s&&(this._$AR(),this._$AH=this.O(s))}_(s){this._$AH!==h&&tt(this._$AH)?this._$AA.nextSibling.data=s:this.T(F.createTextNode(s)),this._$AH=s}$(s){let{values:t,_$litType$:e}=s,r=typeof e=="number"?this._$AC(s):(e.el===void 0&&(e.el=et.createElement(Qt(e.h,e.h[0]),this.options)),e);if(this._$AH?._$AD===r)this._$AH.p(t);else{let a=new yt(r,this),n=a.u(this.options);a.p(t),this.T(n),this._$AH=a}}_$AC(s){let t=Zt.get(s.strings);return t===void 0&&Zt.set(s.strings,t=new et(s)),t}k(s){Et(this._$AH)||(this._$AH=[],this._$AR());let t=this._$AH,e,r=0;for(let a of s)r===t.length?t.push(e=new i(this.O(V()),this.O(V()),this,this.options)):e=t[r],e._$AI(a),r++;r<t.length&&(this._$AR(e&&e._$AB.nextSibling,r),t.length=r)}_$AR(s=this._$AA.nextSibling,t){for(this._$AP?.(!1,!0,t);s!==this._$AB;){let e=It(s).nextSibling;It(s).remove(),s=e}}setConnected(s){this._$AM===void 0&&(this._$Cv=s,this._$AP?.(s))}},Z=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(s,t,e,r,a){this.type=1,this._$AH=h,this._$AN=void 0,this.element=s,this.name=t,this._$AM=r,this.options=a,e.length>2||e[0]!==""||e[1]!==""?(this._$AH=Array(e.length-1).fill(new String),this.strings=e):this._$AH=h}_$AI(s,t=this,e,r){let a=this.strings,n=!1;if(a===void 0)s=K(this,s,t,0),n=!tt(s)||s!==this._$AH&&s!==B,n&&(this._$AH=s);else{let c=s,d,u;for(s=a[0],d=0;d<a.length-1;d++)u=K(this,c[e+d],t,d),u===B&&(u=this._$AH[d]),n||=!tt(u)||u!==this._$AH[d],u===h?s=h:s!==h&&(s+=(u??"")+a[d+1]),this._$AH[d]=u}n&&!r&&this.j(s)}j(s){s===h?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,s??"")}},_t=class extends Z{constructor(){super(...arguments),this.type=3}j(s){this.element[this.name]=s===h?void 0:s}},xt=class extends Z{constructor(){super(...arguments),this.type=4}j(s){this.element.toggleAttribute(this.name,!!s&&s!==h)}},wt=class extends Z{constructor(s,t,e,r,a){super(s,t,e,r,a),this.type=5}_$AI(s,t=this){if((s=K(this,s,t,0)??h)===B)return;let e=this._$AH,r=s===h&&e!==h||s.capture!==e.capture||s.once!==e.once||s.passive!==e.passive,a=s!==h&&(e===h||r);r&&this.element.removeEventListener(this.name,this,e),a&&this.element.addEventListener(this.name,this,s),this._$AH=s}handleEvent(s){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,s):this._$AH.handleEvent(s)}},St=class{constructor(s,t,e){this.element=s,this.type=6,this._$AN=void 0,this._$AM=t,this.options=e}get _$AU(){return this._$AM._$AU}_$AI(s){K(this,s)}};var Ce=kt.litHtmlPolyfillSupport;Ce?.(et,st),(kt.litHtmlVersions??=[]).push("3.3.3");var Yt=(i,s,t)=>{let e=t?.renderBefore??s,r=e._$litPart$;if(r===void 0){let a=t?.renderBefore??null;e._$litPart$=r=new st(s.insertBefore(V(),a),a,void 0,t??{})}return r._$AI(i),r};var Rt=globalThis,$=class extends M{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let s=super.createRenderRoot();return this.renderOptions.renderBefore??=s.firstChild,s}update(s){let t=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(s),this._$Do=Yt(t,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return B}};$._$litElement$=!0,$.finalized=!0,Rt.litElementHydrateSupport?.({LitElement:$});var Re=Rt.litElementPolyfillSupport;Re?.({LitElement:$});(Rt.litElementVersions??=[]).push("4.2.2");var C=i=>(s,t)=>{t!==void 0?t.addInitializer(()=>{customElements.define(i,s)}):customElements.define(i,s)};var Te={attribute:!0,type:String,converter:Y,reflect:!1,hasChanged:ht},Pe=(i=Te,s,t)=>{let{kind:e,metadata:r}=t,a=globalThis.litPropertyMetadata.get(r);if(a===void 0&&globalThis.litPropertyMetadata.set(r,a=new Map),e==="setter"&&((i=Object.create(i)).wrapped=!0),a.set(t.name,i),e==="accessor"){let{name:n}=t;return{set(c){let d=s.get.call(this);s.set.call(this,c),this.requestUpdate(n,d,i,!0,c)},init(c){return c!==void 0&&this.C(n,void 0,i,c),c}}}if(e==="setter"){let{name:n}=t;return function(c){let d=this[n];s.call(this,c),this.requestUpdate(n,d,i,!0,c)}}throw Error("Unsupported decorator location: "+e)};function g(i){return(s,t)=>typeof t=="object"?Pe(i,s,t):((e,r,a)=>{let n=r.hasOwnProperty(a);return r.constructor.createProperty(a,e),n?Object.getOwnPropertyDescriptor(r,a):void 0})(i,s,t)}function p(i){return g({...i,state:!0,attribute:!1})}var W=(i,s,t)=>(t.configurable=!0,t.enumerable=!0,Reflect.decorate&&typeof s!="object"&&Object.defineProperty(i,s,t),t);function Dt(i,s){return(t,e,r)=>{let a=n=>n.renderRoot?.querySelector(i)??null;if(s){let{get:n,set:c}=typeof e=="object"?t:r??(()=>{let d=Symbol();return{get(){return this[d]},set(u){this[d]=u}}})();return W(t,e,{get(){let d=n.call(this);return d===void 0&&(d=a(this),(d!==null||this.hasUpdated)&&c.call(this,d)),d}})}return W(t,e,{get(){return a(this)}})}}function Vt(i,s){let t={type:"doorbell_vault/requests/list",offset:s.offset??0,limit:s.limit??50};return s.status&&(t.status=s.status),s.agency&&(t.agency=s.agency),i.callWS(t)}function te(i,s){return i.callWS({type:"doorbell_vault/requests/get",request_id:s})}function ee(i,s,t){return i.callWS({type:"doorbell_vault/requests/preview",request_id:s,...t})}function se(i,s,t){return i.callWS({type:"doorbell_vault/requests/decide",request_id:s,decision:"share",...t})}function re(i,s,t,e){let r={request_id:s,decision:"decline"};return t.trim()&&(r.message=t.trim()),e&&(r.always_decline_agency=!0),i.callWS({type:"doorbell_vault/requests/decide",...r})}function ie(i,s){return i.callWS({type:"doorbell_vault/requests/decide",request_id:s,decision:"revoke"})}function ae(i,s){return i.connection.subscribeMessage(s,{type:"doorbell_vault/requests/subscribe"})}function ne(i){return i.callWS({type:"doorbell_vault/audit/verify"})}function oe(i){return i.callWS({type:"doorbell_vault/audit/fingerprint"})}function de(i){return i.callWS({type:"doorbell_vault/audit/export"})}function le(i,s){return i.callWS(s?{type:"doorbell_vault/report",since:s}:{type:"doorbell_vault/report"})}async function ut(i,s,t=3600){return(await i.callWS({type:"auth/sign_path",path:s,expires:t})).path}function R(i){return i&&typeof i=="object"&&"message"in i?String(i.message):String(i)}async function ce(i){return(await i.callWS({type:"doorbell_vault/strings",language:i.language})).strings}function Tt(i){return(s,t)=>{let e=i[s];return e===void 0?s:t?e.replace(/\{(\w+)\}/g,(r,a)=>a in t?String(t[a]):r):e}}function G(i,s=!1){s?history.replaceState(null,"",i):history.pushState(null,"",i),window.dispatchEvent(new CustomEvent("location-changed",{detail:{replace:s}}))}var H="/doorbell-vault";var T=x`
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
`;function Me(i){return i.locale?.time_zone==="server"?i.config.time_zone:void 0}function J(i){return i.locale?.language??i.language??"en"}function He(i){let s=i.locale?.time_format;if(s==="12")return!0;if(s==="24")return!1}var he=new Map;function pe(i,s){let t=Me(i),e=He(i),r=JSON.stringify([J(i),t,e,s]),a=he.get(r);return a||(a=new Intl.DateTimeFormat(J(i),{...s,...t?{timeZone:t}:{},...e===void 0?{}:{hour12:e}}),he.set(r,a)),a}function E(i,s){return s?pe(i,{dateStyle:"medium",timeStyle:"medium"}).format(new Date(s)):""}function rt(i,s){return pe(i,{timeStyle:"medium"}).format(new Date(s))}function _(i){return i?new Date(i).toISOString().replace("T"," ").replace(/\.\d+Z$/," UTC").replace(/Z$/," UTC"):""}function q(i,s,t=0){return new Intl.NumberFormat(J(i),{maximumFractionDigits:t}).format(s)}function it(i,s){let t=["B","kB","MB","GB","TB"],e=s,r=0;for(;e>=1e3&&r<t.length-1;)e/=1e3,r+=1;return`${q(i,e,r===0?0:1)} ${t[r]}`}function L(i){let s=Math.max(0,Math.round(i)),t=Math.floor(s/3600),e=Math.floor(s%3600/60),r=s%60,a=t?String(e).padStart(2,"0"):String(e);return`${t?`${t}:`:""}${a}:${String(r).padStart(2,"0")}`}function at(i,s){let t=Math.max(0,Math.round(s/6e4)),e=Math.floor(t/1440),r=Math.floor(t%1440/60),a=t%60,n=(c,d)=>new Intl.NumberFormat(J(i),{style:"unit",unit:d,unitDisplay:"short"}).format(c);return e?`${n(e,"day")} ${n(r,"hour")}`:r?`${n(r,"hour")} ${n(a,"minute")}`:n(a,"minute")}function Pt(i,s){return s>=1e3?new Intl.NumberFormat(J(i),{style:"unit",unit:"kilometer",maximumFractionDigits:1}).format(s/1e3):new Intl.NumberFormat(J(i),{style:"unit",unit:"meter",maximumFractionDigits:0}).format(s)}function v(i){return new Date(i).getTime()}function O(i){return new Date(i).toISOString()}var ue=["pending","shared","declined","rejected","expired","withdrawn","revoked"];var w=class extends ${constructor(){super(...arguments);this.status="";this.agency="";this.offset=0;this.now=Date.now();this.loading=0;this.rendered=!1}connectedCallback(){super.connectedCallback(),this.timer=window.setInterval(()=>this.now=Date.now(),3e4),this.load()}disconnectedCallback(){super.disconnectedCallback(),window.clearInterval(this.timer),window.clearTimeout(this.refreshTimer)}updated(t){this.list&&!this.rendered&&(this.rendered=!0,performance.mark("doorbell-vault:inbox-rendered")),t.has("change")&&this.change&&this.list&&this.applyChange(this.change.request)}applyChange(t){if(this.list){let e=this.list.requests.findIndex(r=>r.request_id===t.request_id);if(e>=0){let r=[...this.list.requests];r[e]={...r[e],...t},this.list={...this.list,requests:r}}}window.clearTimeout(this.refreshTimer),this.refreshTimer=window.setTimeout(()=>this.load(),250)}load(){let t=++this.loading;Vt(this.hass,{status:this.status,agency:this.agency,offset:this.offset,limit:50}).then(e=>{t===this.loading&&(this.list=e,this.error=void 0,this.now=Date.now())}).catch(e=>{t===this.loading&&(this.error=R(e))})}setStatus(t){this.status=t.target.value,this.offset=0,this.load()}setAgency(t){this.agency=t.target.value,this.offset=0,this.load()}page(t){this.offset=Math.max(0,this.offset+t*50),this.load()}open(t,e){t.preventDefault(),G(`${H}/request/${encodeURIComponent(e)}`)}renderRow(t){let e=this.t,r=t.status==="pending",a=v(t.deadline)-this.now;return o`
      <li>
        <a
          class="row-link"
          href="${H}/request/${encodeURIComponent(t.request_id)}"
          data-request-id=${t.request_id}
          @click=${n=>this.open(n,t.request_id)}
        >
          <span class="status"
            ><span class="badge status-${t.status}">${e(`status_${t.status}`)}</span></span
          >
          <span class="who">
            <strong class="agency">${t.agency}</strong>
            <span class="muted">${t.case_number??e("no_case_number")}</span>
          </span>
          <span class="when" title=${`${_(t.start)} – ${_(t.end)}`}>
            ${E(this.hass,t.start)}
            <span class="muted">${e("window_length",{duration:L((v(t.end)-v(t.start))/1e3)})}</span>
          </span>
          <span class="state">
            ${r?a>0?o`<span class="deadline">${e("time_left",{span:at(this.hass,a)})}</span>`:o`<span class="deadline">${e("deadline_passed")}</span>`:t.decided_by?o`<span class="muted">${e(`decided_by_${t.decided_by}`)}</span>`:h}
            ${t.progress?o`<span class="muted">${t.progress}</span>`:h}
          </span>
          <span class="flags">
            ${t.problems.length?o`<span class="badge problems"
                  >${e("problem_count",{count:t.problems.length})}</span
                >`:h}
            <span
              class="badge ${t.verified?"verified":"unverified"}"
              data-verified=${String(t.verified)}
              title=${t.verified?e("verified_help"):e("unverified_help")}
              >${t.verified?e("verified"):e("unverified")}</span
            >
            <span class="muted">${e(`source_${t.source}`)}</span>
          </span>
        </a>
      </li>
    `}render(){let t=this.t,e=this.list,r=e?.requests.filter(n=>n.status==="pending")??[],a=e?.requests.filter(n=>n.status!=="pending")??[];return o`
      <div class="filters card">
        <label
          >${t("filter_status")}
          <select @change=${this.setStatus} .value=${this.status} name="status">
            <option value="">${t("filter_all")}</option>
            ${ue.map(n=>o`<option value=${n} ?selected=${n===this.status}>${t(`status_${n}`)}</option>`)}
          </select>
        </label>
        <label
          >${t("filter_agency")}
          <select @change=${this.setAgency} .value=${this.agency} name="agency">
            <option value="">${t("filter_all")}</option>
            ${(e?.agencies??[]).map(n=>o`<option value=${n} ?selected=${n===this.agency}>${n}</option>`)}
          </select>
        </label>
        <span class="muted total">${e?t("total",{count:e.total}):""}</span>
      </div>
      ${this.error?o`<p class="error">${this.error}</p>`:h}
      ${e&&e.requests.length===0?o`<p class="card empty">${t("inbox_empty")}</p>`:h}
      ${r.length?o`<section class="card">
            <h2>${t("inbox_pending")}</h2>
            <ul class="requests pending">
              ${r.map(n=>this.renderRow(n))}
            </ul>
          </section>`:h}
      ${a.length?o`<section class="card">
            <h2>${t("inbox_decided")}</h2>
            <ul class="requests decided">
              ${a.map(n=>this.renderRow(n))}
            </ul>
          </section>`:h}
      ${e&&e.total>50?o`<div class="pager row">
            <button ?disabled=${this.offset===0} @click=${()=>this.page(-1)}>${t("previous")}</button>
            <span class="muted"
              >${t("page_range",{from:this.offset+1,to:Math.min(this.offset+50,e.total),total:e.total})}</span
            >
            <button
              ?disabled=${this.offset+50>=e.total}
              @click=${()=>this.page(1)}
            >
              ${t("next")}
            </button>
          </div>`:h}
    `}};w.styles=[T,x`
      .filters {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
        align-items: end;
      }
      .filters label {
        display: flex;
        flex-direction: column;
        gap: 4px;
        font-size: 0.85rem;
        color: var(--dv-muted);
      }
      .total {
        margin-left: auto;
      }
      ul.requests {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      ul.requests li + li {
        border-top: 1px solid var(--dv-border);
      }
      .row-link {
        display: grid;
        grid-template-columns: 110px 1.4fr 1.4fr 1fr 1.2fr;
        gap: 8px 12px;
        align-items: center;
        padding: 10px 4px;
        color: inherit;
        text-decoration: none;
      }
      .row-link:hover,
      .row-link:focus-visible {
        background: var(--secondary-background-color, #f3f3f3);
      }
      .who,
      .when,
      .state {
        display: flex;
        flex-direction: column;
        min-width: 0;
      }
      .agency {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .flags {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: center;
      }
      .problems {
        color: var(--dv-warning);
      }
      .deadline {
        font-weight: 500;
      }
      .pager {
        justify-content: center;
      }
      @media (max-width: 760px) {
        .row-link {
          grid-template-columns: 1fr auto;
        }
        .status {
          order: 2;
          justify-self: end;
        }
        .who {
          order: 1;
        }
        .when {
          order: 3;
        }
        .state {
          order: 4;
          text-align: right;
        }
        .flags {
          order: 5;
          grid-column: 1 / -1;
        }
      }
    `],l([g({attribute:!1})],w.prototype,"hass",2),l([g({attribute:!1})],w.prototype,"t",2),l([g({attribute:!1})],w.prototype,"change",2),l([p()],w.prototype,"list",2),l([p()],w.prototype,"status",2),l([p()],w.prototype,"agency",2),l([p()],w.prototype,"offset",2),l([p()],w.prototype,"error",2),l([p()],w.prototype,"now",2),w=l([C("dv-inbox")],w);var y=class extends ${constructor(){super(...arguments);this.windowStart=0;this.windowEnd=0;this.trimStart=0;this.trimEnd=0;this.position=0;this.playing=!1;this.muted=!0;this.pieces=[];this.current=-1;this.signed=new Map;this.base=0;this.pendingOffset=0}willUpdate(t){if(t.has("camera")||t.has("windowStart")||t.has("windowEnd")){let e=this.pieces.map(r=>r.url).join();this.pieces=(this.camera?.segments??[]).map(r=>({start:v(r.start),end:v(r.end),url:r.url})).filter(r=>r.end>r.start&&r.end>this.windowStart&&r.start<this.windowEnd).sort((r,a)=>r.start-a.start),(e!==this.pieces.map(r=>r.url).join()||!this.position)&&(this.playing||(this.position=this.pieces.length?Math.max(this.windowStart,this.pieces[0].start):this.windowStart))}}updated(){if(this.current<0&&this.video&&this.pieces.length&&!this.error){let t=this.pieceAt(this.position);t>=0&&this.load(t,Math.max(this.position,this.pieces[t].start))}}get span(){return Math.max(1,this.windowEnd-this.windowStart)}pct(t){return(Math.min(Math.max(t,this.windowStart),this.windowEnd)-this.windowStart)/this.span*100}pieceAt(t){let e=this.pieces.findIndex(r=>r.start<=t&&t<r.end);return e>=0?e:this.pieces.findIndex(r=>r.start>t)}async url(t){let e=this.signed.get(t.url);return e||(e=await ut(this.hass,t.url,6*3600),this.signed.set(t.url,e)),e}async load(t,e){let r=this.video;if(!r||t<0)return;let a=this.pieces[t];if(this.pendingOffset=Math.max(0,e-a.start)/1e3,this.current===t&&r.readyState>=1){r.currentTime=this.base+this.pendingOffset;return}this.current=t;try{r.src=await this.url(a)}catch(n){this.error=String(n.message??n)}}onLoadedMetadata(){let t=this.video;t&&(this.base=t.seekable.length?t.seekable.start(0):0,t.currentTime=this.base+this.pendingOffset,this.playing&&t.play().catch(e=>this.onPlayError(e)))}onPlayError(t){t.name!=="AbortError"&&(this.error=String(t.message??t),this.playing=!1)}onTimeUpdate(){let t=this.video;if(!t||this.current<0)return;let e=this.pieces[this.current];this.position=e.start+(t.currentTime-this.base)*1e3,this.position>=this.windowEnd&&(t.pause(),this.playing=!1,this.position=this.windowEnd)}onEnded(){let t=this.current+1;t<this.pieces.length&&this.pieces[t].start<this.windowEnd?this.load(t,this.pieces[t].start):(this.playing=!1,this.position=this.windowEnd)}onError(){let t=this.video?.error;this.error=this.t("player_error",{code:t?.code??0,message:t?.message??""}),this.playing=!1}toggle(){let t=this.video;if(!t||!this.pieces.length)return;if(this.playing){t.pause(),this.playing=!1;return}this.error=void 0,this.playing=!0;let e=this.position>=this.windowEnd-500?this.windowStart:this.position,r=this.pieceAt(e);if(r<0){this.playing=!1;return}e=Math.max(e,this.pieces[r].start),this.current===r&&t.readyState>=1?(t.currentTime=this.base+(e-this.pieces[r].start)/1e3,t.play().catch(a=>this.onPlayError(a))):this.load(r,e)}seek(t){let e=Math.min(Math.max(t,this.windowStart),this.windowEnd);this.position=e;let r=this.pieceAt(e);r<0||this.load(r,Math.max(e,this.pieces[r].start))}onTrackPointer(t){let r=t.currentTarget.getBoundingClientRect(),a=Math.min(Math.max((t.clientX-r.left)/r.width,0),1);this.seek(this.windowStart+a*this.span)}onTrackKey(t){let e={ArrowLeft:-5e3,ArrowRight:5e3,PageDown:-6e4,PageUp:6e4};t.key in e?(t.preventDefault(),this.seek(this.position+e[t.key])):t.key==="Home"?(t.preventDefault(),this.seek(this.windowStart)):t.key==="End"&&(t.preventDefault(),this.seek(this.windowEnd))}toggleMute(){this.muted=!this.muted,this.video&&(this.video.muted=this.muted)}render(){let t=this.t;if(!this.camera.has_footage||!this.pieces.length)return o`<div class="none" data-footage="none">${t("no_footage")}</div>`;let e=(this.camera.gaps??[]).map(a=>({start:v(a.start),end:v(a.end)})),r=(this.position-this.windowStart)/1e3;return o`
      <div class="screen">
        <video
          playsinline
          preload="metadata"
          .muted=${this.muted}
          data-camera=${this.camera.camera_id}
          @loadedmetadata=${this.onLoadedMetadata}
          @timeupdate=${this.onTimeUpdate}
          @ended=${this.onEnded}
          @error=${this.onError}
          @click=${this.toggle}
        ></video>
      </div>
      <div
        class="track"
        role="slider"
        tabindex="0"
        aria-label=${t("player_position")}
        aria-valuemin="0"
        aria-valuemax=${Math.round(this.span/1e3)}
        aria-valuenow=${Math.round(r)}
        aria-valuetext=${rt(this.hass,this.position)}
        @pointerdown=${this.onTrackPointer}
        @keydown=${this.onTrackKey}
      >
        ${this.pieces.map(a=>o`<span
              class="footage"
              style="left:${this.pct(a.start)}%;width:${this.pct(a.end)-this.pct(a.start)}%"
            ></span>`)}
        ${e.map(a=>o`<span
              class="gap"
              title=${t("gap",{from:rt(this.hass,a.start),to:rt(this.hass,a.end)})}
              style="left:${this.pct(a.start)}%;width:${this.pct(a.end)-this.pct(a.start)}%"
            ></span>`)}
        <span class="out" style="left:0;width:${this.pct(this.trimStart)}%"></span>
        <span class="out" style="left:${this.pct(this.trimEnd)}%;right:0"></span>
        <span class="chosen" style="left:${this.pct(this.trimStart)}%;width:${this.pct(this.trimEnd)-this.pct(this.trimStart)}%"></span>
        <span class="head" style="left:${this.pct(this.position)}%"></span>
      </div>
      <div class="controls row">
        <button class="play" @click=${this.toggle} aria-label=${this.playing?t("pause"):t("play")}>
          ${this.playing?"❚❚":"▶"}
        </button>
        <span class="clock" title=${_(O(this.position))}
          >${L(r)} / ${L(this.span/1e3)} ·
          ${rt(this.hass,this.position)}</span
        >
        <button class="mute" @click=${this.toggleMute}>${this.muted?t("unmute"):t("mute")}</button>
        ${e.length?o`<span class="muted">${t("gaps",{count:e.length})}</span>`:h}
      </div>
      ${this.error?o`<p class="error media-error">${this.error}</p>`:h}
    `}};y.styles=[T,x`
      .screen {
        background: #000;
        aspect-ratio: 16 / 9;
        border-radius: 8px;
        overflow: hidden;
      }
      video {
        width: 100%;
        height: 100%;
        display: block;
        object-fit: contain;
      }
      .track {
        position: relative;
        height: 28px;
        margin: 10px 0 6px;
        background: var(--secondary-background-color, #eee);
        border-radius: 4px;
        cursor: pointer;
        touch-action: none;
        overflow: hidden;
      }
      .track:focus-visible {
        outline: 2px solid var(--dv-accent);
      }
      .footage {
        position: absolute;
        top: 6px;
        bottom: 6px;
        background: var(--dv-accent);
        opacity: 0.55;
      }
      .gap {
        position: absolute;
        top: 0;
        bottom: 0;
        background: repeating-linear-gradient(
          45deg,
          transparent 0 4px,
          var(--dv-error) 4px 6px
        );
        opacity: 0.6;
      }
      .out {
        position: absolute;
        top: 0;
        bottom: 0;
        background: rgba(0, 0, 0, 0.35);
      }
      .chosen {
        position: absolute;
        top: 0;
        bottom: 0;
        border: 2px solid var(--dv-accent);
        box-sizing: border-box;
        border-radius: 4px;
        pointer-events: none;
      }
      .head {
        position: absolute;
        top: 0;
        bottom: 0;
        width: 2px;
        margin-left: -1px;
        background: var(--primary-text-color, #000);
        pointer-events: none;
      }
      .play {
        min-width: 48px;
      }
      .clock {
        font-variant-numeric: tabular-nums;
      }
      .none {
        display: flex;
        align-items: center;
        justify-content: center;
        aspect-ratio: 16 / 9;
        background: var(--secondary-background-color, #eee);
        border-radius: 8px;
        color: var(--dv-muted);
      }
    `],l([g({attribute:!1})],y.prototype,"hass",2),l([g({attribute:!1})],y.prototype,"t",2),l([g({attribute:!1})],y.prototype,"camera",2),l([g({type:Number})],y.prototype,"windowStart",2),l([g({type:Number})],y.prototype,"windowEnd",2),l([g({type:Number})],y.prototype,"trimStart",2),l([g({type:Number})],y.prototype,"trimEnd",2),l([p()],y.prototype,"position",2),l([p()],y.prototype,"playing",2),l([p()],y.prototype,"muted",2),l([p()],y.prototype,"error",2),l([Dt("video")],y.prototype,"video",2),y=l([C("dv-player")],y);function Mt(i){let{share:s,...t}=i;return t}function Ht(i){return typeof i=="string"?i:typeof i=="number"||typeof i=="boolean"?String(i):JSON.stringify(i)}var qe=new Set(["agency","case_number","legal_basis","requester_name","requester_email","reason","latitude","longitude","radius_m","start","end"]),f=class extends ${constructor(){super(...arguments);this.narrow=!1;this.busy=!1;this.excluded=new Set;this.trimStart=0;this.trimEnd=0;this.includeAudio=!1;this.hours="";this.maxDownloads="";this.previewing=!1;this.declineMessage="";this.copied=!1;this.confirmRevoke=!1;this.now=Date.now();this.previewSerial=0;this.loadSerial=0}connectedCallback(){super.connectedCallback(),this.timer=window.setInterval(()=>this.now=Date.now(),1e3)}disconnectedCallback(){super.disconnectedCallback(),window.clearInterval(this.timer),window.clearTimeout(this.previewTimer)}willUpdate(t){t.has("requestId")&&(this.detail=void 0,this.shareResult=void 0,this.preview=void 0,this.excluded=new Set,this.includeAudio=!1,this.declineMessage="",this.confirmRevoke=!1,this.load(!0)),t.has("change")&&!t.has("requestId")&&this.change?.request.request_id===this.requestId&&(this.detail&&(this.detail={...this.detail,...this.change.request}),this.load(!1))}load(t,e=0){let r=++this.loadSerial;te(this.hass,this.requestId).then(a=>{r===this.loadSerial&&(this.detail=a,this.error=void 0,t&&(this.trimStart=v(a.start),this.trimEnd=v(a.end),this.excluded=new Set(a.cameras.filter(n=>!n.has_footage).map(n=>n.camera_id)),a.status==="pending"&&this.schedulePreview(0)))}).catch(a=>{r===this.loadSerial&&(e<5?window.setTimeout(()=>{r===this.loadSerial&&this.load(t,e+1)},1e3):this.error=R(a))})}get chosenCameras(){return(this.detail?.cameras??[]).filter(t=>!this.excluded.has(t.camera_id)).map(t=>t.camera_id)}selection(){let t=this.detail,e={cameras:this.chosenCameras,include_audio:this.includeAudio};return this.trimStart>v(t.start)&&(e.start=O(this.trimStart)),this.trimEnd<v(t.end)&&(e.end=O(this.trimEnd)),e}schedulePreview(t=350){window.clearTimeout(this.previewTimer),this.previewTimer=window.setTimeout(()=>this.runPreview(),t)}runPreview(){if(!this.detail||this.detail.status!=="pending")return;let t=++this.previewSerial;this.previewing=!0,ee(this.hass,this.requestId,this.selection()).then(e=>{t===this.previewSerial&&(this.preview=e,this.previewError=void 0)}).catch(e=>{t===this.previewSerial&&(this.preview=void 0,this.previewError=R(e))}).finally(()=>{t===this.previewSerial&&(this.previewing=!1)})}toggleCamera(t,e){let r=e.target.checked,a=new Set(this.excluded);r?a.delete(t):a.add(t),this.excluded=a,this.schedulePreview()}onTrim(t,e){let r=this.detail,a=e.target,n=v(r.start),c=v(r.end),d=n+Number(a.value)*1e3;t==="start"?(this.trimStart=Math.min(Math.max(d,n),this.trimEnd-1e3),a.value=String((this.trimStart-n)/1e3)):(this.trimEnd=Math.max(Math.min(d,c),this.trimStart+1e3),a.value=String((this.trimEnd-n)/1e3)),this.schedulePreview()}async doShare(){let t=this.selection(),e=Number(this.hours),r=Number(this.maxDownloads);this.hours&&e>0&&(t.expires_in_hours=Math.round(e)),this.maxDownloads&&r>0&&(t.max_downloads=Math.round(r)),await this.act(async()=>{let a=await se(this.hass,this.requestId,t);a.share&&(this.shareResult=a.share),this.detail={...this.detail,...Mt(a)}})}async doDecline(t){await this.act(async()=>{let e=await re(this.hass,this.requestId,this.declineMessage,t);this.detail={...this.detail,...Mt(e)}})}async doRevoke(){this.confirmRevoke=!1,await this.act(async()=>{let t=await ie(this.hass,this.requestId);this.detail={...this.detail,...Mt(t)}})}async act(t){this.busy=!0,this.actionError=void 0;try{await t(),this.load(!1)}catch(e){this.actionError=R(e)}finally{this.busy=!1}}async copyLink(){let t=this.shareResult?.share_url;if(t){try{await navigator.clipboard.writeText(t)}catch{this.renderRoot.querySelector("input.share-url")?.select(),document.execCommand("copy")}this.copied=!0}}back(t){t.preventDefault(),G(H)}renderFacts(t){let e=this.t,r=t.fields,a=u=>u==null||u===""?"—":Ht(u),n=typeof r.radius_m=="number"?r.radius_m:null,c=Object.entries(r).filter(([u,b])=>!qe.has(u)&&b!==null),d=v(t.deadline)-this.now;return o`
      <dl class="facts">
        <dt>${e("field_agency")}</dt>
        <dd class="agency">${t.agency}</dd>
        <dt>${e("field_case_number")}</dt>
        <dd>${a(t.case_number)}</dd>
        <dt>${e("field_legal_basis")}</dt>
        <dd>${t.legal_basis?e(`legal_basis_${t.legal_basis}`):"—"}</dd>
        <dt>${e("field_requester")}</dt>
        <dd>${a(r.requester_name)}${r.requester_email?o` · <span>${Ht(r.requester_email)}</span>`:h}</dd>
        <dt>${e("field_reason")}</dt>
        <dd class="reason">${a(r.reason)}</dd>
        <dt>${e("field_window")}</dt>
        <dd class="window" title=${`${_(t.start)} – ${_(t.end)}`}>
          ${E(this.hass,t.start)} – ${E(this.hass,t.end)}
          <span class="muted">(${L((v(t.end)-v(t.start))/1e3)})</span>
        </dd>
        <dt>${e("field_area")}</dt>
        <dd class="area">
          ${t.distance_m===null?e("area_unknown"):e("area_text",{distance:Pt(this.hass,t.distance_m),radius:n===null?"—":Pt(this.hass,n)})}
          ${t.home_in_area===null?h:o`<span class="badge ${t.home_in_area?"":"unverified"}"
                >${t.home_in_area?e("home_in_area"):e("home_outside_area")}</span
              >`}
        </dd>
        <dt>${e("field_received")}</dt>
        <dd title=${_(t.received)}>
          ${E(this.hass,t.received)} · ${e(`source_${t.source}`)}
          <span
              class="badge ${t.verified?"verified":"unverified"}"
              data-verified=${String(t.verified)}
              title=${t.verified?e("verified_help"):e("unverified_help")}
            >${t.verified?e("verified"):e("unverified")}</span
          >
        </dd>
        <dt>${e("field_deadline")}</dt>
        <dd title=${_(t.deadline)}>
          ${E(this.hass,t.deadline)}
          ${t.status==="pending"?o`<strong class="deadline"
                >${d>0?e("time_left",{span:at(this.hass,d)}):e("deadline_passed")}</strong
              >`:h}
        </dd>
        ${t.decided_by?o`<dt>${e("field_decided_by")}</dt>
              <dd>${e(`decided_by_${t.decided_by}`)}</dd>`:h}
        ${t.message?o`<dt>${e("field_message")}</dt>
              <dd class="message">${t.message}</dd>`:h}
        ${c.map(([u,b])=>o`<dt>${u}</dt>
            <dd>${Ht(b)}</dd>`)}
      </dl>
      ${t.problems.length?o`<div class="problems">
            <h3>${e("problems")}</h3>
            <ul>
              ${t.problems.map(u=>o`<li data-problem=${u}>${e(`problem_${u}`)}</li>`)}
            </ul>
          </div>`:o`<p class="muted">${e("no_problems")}</p>`}
    `}renderCameras(t){let e=this.t,r=t.status==="pending";return t.cameras.length?o`<div class="cameras">
      ${t.cameras.map(a=>o`<section class="card camera" data-camera=${a.camera_id}>
          <div class="row camera-head">
            ${r?o`<label class="include"
                  ><input
                    type="checkbox"
                    name="camera"
                    .value=${a.camera_id}
                    .checked=${!this.excluded.has(a.camera_id)}
                    ?disabled=${!a.has_footage}
                    @change=${n=>this.toggleCamera(a.camera_id,n)}
                  />
                  <h3>${a.name}</h3></label
                >`:o`<h3>${a.name}</h3>`}
          </div>
          <dv-player
            .hass=${this.hass}
            .t=${e}
            .camera=${a}
            .windowStart=${v(t.start)}
            .windowEnd=${v(t.end)}
            .trimStart=${r?this.trimStart:v(t.start)}
            .trimEnd=${r?this.trimEnd:v(t.end)}
          ></dv-player>
        </section>`)}
    </div>`:o`<p class="muted">${e("no_cameras")}</p>`}renderDecision(t){let e=this.t,r=v(t.start),a=Math.round((v(t.end)-r)/1e3),n=this.preview,c=this.chosenCameras.length===0;return o`
      <section class="card decide">
        <h2>${e("share_heading")}</h2>
        <fieldset class="trim">
          <legend>${e("trim_legend")}</legend>
          <label
            >${e("trim_from")}
            <input
              type="range"
              name="trim-start"
              min="0"
              max=${a}
              step="1"
              .value=${String(Math.round((this.trimStart-r)/1e3))}
              @input=${d=>this.onTrim("start",d)}
            />
            <span class="trim-time" title=${_(O(this.trimStart))}
              >${E(this.hass,O(this.trimStart))}</span
            >
          </label>
          <label
            >${e("trim_to")}
            <input
              type="range"
              name="trim-end"
              min="0"
              max=${a}
              step="1"
              .value=${String(Math.round((this.trimEnd-r)/1e3))}
              @input=${d=>this.onTrim("end",d)}
            />
            <span class="trim-time" title=${_(O(this.trimEnd))}
              >${E(this.hass,O(this.trimEnd))}</span
            >
          </label>
          <p class="muted">${e("trim_help")}</p>
        </fieldset>
        <div class="options">
          <label class="check"
            ><input
              type="checkbox"
              name="include-audio"
              .checked=${this.includeAudio}
              @change=${d=>{this.includeAudio=d.target.checked,this.schedulePreview()}}
            />
            ${e("include_audio")}</label
          >
          <label
            >${e("expires_in_hours")}
            <input
              type="number"
              name="expires-in-hours"
              min="1"
              max="2160"
              placeholder=${e("owner_default")}
              .value=${this.hours}
              @input=${d=>this.hours=d.target.value}
          /></label>
          <label
            >${e("max_downloads")}
            <input
              type="number"
              name="max-downloads"
              min="1"
              max="100"
              placeholder=${e("owner_default")}
              .value=${this.maxDownloads}
              @input=${d=>this.maxDownloads=d.target.value}
          /></label>
        </div>
        <div class="preview" aria-busy=${this.previewing?"true":"false"}>
          <h3>${e("preview_heading")}</h3>
          ${this.previewError?o`<p class="error">${this.previewError}</p>`:h}
          ${n?o`<div class="table-wrap">
                <table class="preview-files">
                  <thead>
                    <tr>
                      <th>${e("preview_file")}</th>
                      <th>${e("preview_camera")}</th>
                      <th>${e("preview_duration")}</th>
                      <th>${e("preview_size")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${n.files.map(d=>o`<tr>
                        <td class="file-name">${d.name}</td>
                        <td>${d.camera}</td>
                        <td>${L(d.duration_s)}</td>
                        <td>${it(this.hass,d.bytes)}</td>
                      </tr>`)}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th colspan="3">${e("preview_total",{count:n.files.length})}</th>
                      <th>${it(this.hass,n.total_bytes)}</th>
                    </tr>
                  </tfoot>
                </table>
              </div>`:o`<p class="muted">${this.previewing?e("loading"):""}</p>`}
        </div>
        <div class="row actions">
          <button
            class="primary share"
            ?disabled=${this.busy||c}
            @click=${()=>{this.doShare()}}
          >
            ${e("share")}
          </button>
          ${c?o`<span class="muted">${e("choose_a_camera")}</span>`:h}
        </div>
        ${t.progress?o`<p class="progress">
              <span class="spinner"></span> ${e("building",{progress:t.progress})}
            </p>`:h}
      </section>
      <section class="card decline">
        <h2>${e("decline_heading")}</h2>
        <label class="message"
          >${e("decline_message")}
          <textarea
            name="decline-message"
            rows="3"
            maxlength="2000"
            .value=${this.declineMessage}
            @input=${d=>this.declineMessage=d.target.value}
          ></textarea>
        </label>
        <div class="row actions">
          <button class="danger decline-once" ?disabled=${this.busy} @click=${()=>{this.doDecline(!1)}}>
            ${e("decline")}
          </button>
          <button
            class="danger decline-always"
            ?disabled=${this.busy}
            @click=${()=>{this.doDecline(!0)}}
          >
            ${e("decline_always",{agency:t.agency})}
          </button>
        </div>
      </section>
    `}renderShare(t){let e=this.t,r=t.share,a=r&&!r.ended,n=r?v(r.expires)-this.now:0;return o`
      <section class="card shared">
        <h2>${e("share_status_heading")}</h2>
        ${this.shareResult?o`<div class="link-once">
              <p><strong>${e("link_once")}</strong></p>
              <div class="row">
                <input class="share-url" type="text" readonly .value=${this.shareResult.share_url} />
                <button class="copy primary" @click=${()=>{this.copyLink()}}>
                  ${this.copied?e("copied"):e("copy")}
                </button>
              </div>
            </div>`:h}
        ${t.progress?o`<p class="progress"><span class="spinner"></span> ${e("building",{progress:t.progress})}</p>`:h}
        ${r?o`<dl class="facts">
              <dt>${e("share_created")}</dt>
              <dd title=${_(r.created)}>${E(this.hass,r.created)}</dd>
              <dt>${e("share_expires")}</dt>
              <dd title=${_(r.expires)}>
                ${E(this.hass,r.expires)}
                ${a&&n>0?o`<strong class="countdown">${e("expires_in",{span:at(this.hass,n)})}</strong>`:h}
              </dd>
              <dt>${e("share_downloads")}</dt>
              <dd class="download-count">
                ${e("downloads_of",{count:r.downloads,max:r.max_downloads})}
              </dd>
              ${r.ended?o`<dt>${e("share_ended")}</dt>
                    <dd class="share-ended" title=${_(r.ended)}>
                      ${E(this.hass,r.ended)}
                      ${r.end_reason?o`· ${e(`end_reason_${r.end_reason}`)}`:h}
                    </dd>`:h}
            </dl>
            ${r.files.length?o`<div class="table-wrap">
                  <table class="share-files">
                    <thead>
                      <tr>
                        <th>${e("preview_file")}</th>
                        <th>${e("preview_camera")}</th>
                        <th>${e("preview_size")}</th>
                        <th>SHA-256</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${r.files.map(c=>o`<tr>
                          <td>${c.name}</td>
                          <td>${c.camera}</td>
                          <td>${it(this.hass,c.bytes)}</td>
                          <td class="hash" title=${c.sha256}>${c.sha256.slice(0,12)}…</td>
                        </tr>`)}
                    </tbody>
                  </table>
                </div>`:h}`:h}
        <h3>${e("download_log")}</h3>
        ${t.downloads.length?o`<div class="table-wrap">
              <table class="download-log">
                <thead>
                  <tr>
                    <th>${e("download_at")}</th>
                    <th>${e("download_remote")}</th>
                    <th>${e("download_bytes")}</th>
                    <th>${e("download_completed")}</th>
                  </tr>
                </thead>
                <tbody>
                  ${t.downloads.map(c=>o`<tr>
                      <td title=${_(c.at)}>${E(this.hass,c.at)}</td>
                      <td title=${c.user_agent??""}>${c.remote}</td>
                      <td>${it(this.hass,c.bytes)}</td>
                      <td>${c.completed?e("yes"):e("no")}</td>
                    </tr>`)}
                </tbody>
              </table>
            </div>`:o`<p class="muted no-downloads">${e("no_downloads")}</p>`}
        ${a?o`<div class="row actions">
              ${this.confirmRevoke?o`<span>${e("revoke_confirm")}</span>
                    <button class="danger revoke-confirm" ?disabled=${this.busy} @click=${()=>{this.doRevoke()}}>
                      ${e("revoke")}
                    </button>
                    <button @click=${()=>this.confirmRevoke=!1}>${e("cancel")}</button>`:o`<button class="danger revoke" @click=${()=>this.confirmRevoke=!0}>
                    ${e("revoke")}
                  </button>`}
            </div>`:h}
      </section>
    `}render(){let t=this.t,e=this.detail;return o`
      <a class="back" href=${H} @click=${this.back}>← ${t("back_to_inbox")}</a>
      ${this.error?o`<p class="error">${this.error}</p>`:h}
      ${e?o`
            <div class="layout">
              <div class="main-col">
                <section class="card summary">
                  <div class="row heading">
                    <h2>${e.agency}</h2>
                    <span class="badge status-${e.status} status" data-status=${e.status}
                      >${t(`status_${e.status}`)}</span
                    >
                  </div>
                  ${this.renderFacts(e)}
                </section>
                ${this.renderCameras(e)}
              </div>
              <div class="side-col">
                ${this.actionError?o`<p class="card error action-error">${this.actionError}</p>`:h}
                ${e.status==="pending"?this.renderDecision(e):h}
                ${e.share||this.shareResult||e.downloads.length||e.status==="shared"?this.renderShare(e):h}
              </div>
            </div>
          `:this.error?h:o`<p class="muted">${t("loading")}</p>`}
    `}};f.styles=[T,x`
      .back {
        display: inline-block;
        margin-bottom: 12px;
        color: var(--dv-accent);
        text-decoration: none;
        padding: 8px 0;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
        gap: var(--dv-gap);
        align-items: start;
      }
      @media (max-width: 900px) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .heading {
        justify-content: space-between;
      }
      .heading h2 {
        margin: 0;
      }
      dl.facts {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 6px 16px;
        margin: 12px 0;
      }
      dl.facts dt {
        color: var(--dv-muted);
      }
      dl.facts dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      @media (max-width: 500px) {
        dl.facts {
          grid-template-columns: minmax(0, 1fr);
          gap: 2px;
        }
        dl.facts dd {
          margin-bottom: 8px;
        }
      }
      .deadline,
      .countdown {
        margin-left: 6px;
      }
      .problems {
        border-left: 4px solid var(--dv-warning);
        padding-left: 12px;
      }
      .problems ul {
        margin: 0;
        padding-left: 18px;
      }
      .camera-head {
        margin-bottom: 8px;
      }
      .camera-head h3 {
        margin: 0;
        display: inline;
      }
      label.include,
      label.check {
        display: flex;
        gap: 8px;
        align-items: center;
        min-height: 40px;
      }
      input[type="checkbox"] {
        width: 20px;
        height: 20px;
      }
      fieldset {
        border: 1px solid var(--dv-border);
        border-radius: 8px;
        margin: 0 0 12px;
      }
      .trim label {
        display: grid;
        grid-template-columns: 3em minmax(0, 1fr);
        gap: 4px 8px;
        align-items: center;
      }
      .trim input[type="range"] {
        width: 100%;
        min-height: 32px;
      }
      .trim .trim-time {
        grid-column: 2;
        font-size: 0.85rem;
        color: var(--dv-muted);
      }
      .options {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
        align-items: end;
        margin-bottom: 12px;
      }
      .options label {
        display: flex;
        flex-direction: column;
        gap: 4px;
        font-size: 0.85rem;
        color: var(--dv-muted);
      }
      .options label.check {
        flex-direction: row;
        color: inherit;
        font-size: 1rem;
      }
      .options input[type="number"] {
        width: 9em;
      }
      .actions {
        margin-top: 12px;
      }
      label.message {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      textarea {
        width: 100%;
        resize: vertical;
      }
      .link-once {
        background: var(--secondary-background-color, #f3f3f3);
        padding: 12px;
        border-radius: 8px;
        margin-bottom: 12px;
      }
      .link-once input {
        flex: 1 1 240px;
        min-width: 0;
        font-family: monospace;
      }
      .hash {
        font-family: monospace;
      }
      .shared h3 {
        margin-top: 16px;
      }
      .spinner {
        display: inline-block;
        width: 12px;
        height: 12px;
        border: 2px solid var(--dv-accent);
        border-right-color: transparent;
        border-radius: 50%;
        animation: spin 1s linear infinite;
        vertical-align: middle;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
      @media (max-width: 500px) {
        .actions button {
          flex: 1 1 100%;
        }
      }
    `],l([g({attribute:!1})],f.prototype,"hass",2),l([g({attribute:!1})],f.prototype,"t",2),l([g({attribute:!1})],f.prototype,"requestId",2),l([g({attribute:!1})],f.prototype,"change",2),l([g({type:Boolean})],f.prototype,"narrow",2),l([p()],f.prototype,"detail",2),l([p()],f.prototype,"error",2),l([p()],f.prototype,"actionError",2),l([p()],f.prototype,"busy",2),l([p()],f.prototype,"excluded",2),l([p()],f.prototype,"trimStart",2),l([p()],f.prototype,"trimEnd",2),l([p()],f.prototype,"includeAudio",2),l([p()],f.prototype,"hours",2),l([p()],f.prototype,"maxDownloads",2),l([p()],f.prototype,"preview",2),l([p()],f.prototype,"previewError",2),l([p()],f.prototype,"previewing",2),l([p()],f.prototype,"declineMessage",2),l([p()],f.prototype,"shareResult",2),l([p()],f.prototype,"copied",2),l([p()],f.prototype,"confirmRevoke",2),l([p()],f.prototype,"now",2),f=l([C("dv-request-view")],f);async function ot(i,s,t){let e=await ut(i,s,300),r=document.createElement("a");return r.href=e,t?r.download=t:r.download="",document.body.appendChild(r),r.click(),r.remove(),e}var A=class extends ${constructor(){super(...arguments);this.busy=!1}connectedCallback(){super.connectedCallback(),this.key||this.loadKey()}async loadKey(){try{this.key=await oe(this.hass),this.keyError=void 0}catch(t){this.keyError=R(t)}}async verify(){this.busy=!0,this.error=void 0;try{this.result=await ne(this.hass)}catch(t){this.error=R(t)}finally{this.busy=!1}}async export(){this.busy=!0,this.error=void 0;try{this.exported=await de(this.hass),await ot(this.hass,this.exported.url)}catch(t){this.error=R(t)}finally{this.busy=!1}}render(){let t=this.t,e=this.result,r=this.key?.fingerprint;return o`
      <section class="card key" data-loaded=${String(!!r)}>
        <h2>${t("fingerprint_heading")}</h2>
        <p><strong>${t("fingerprint_give_once")}</strong></p>
        <p class="muted">${t("fingerprint_help")}</p>
        ${r?o`<p class="hash fingerprint-hex" aria-label=${t("fingerprint_hex")}>${r.hex}</p>
              <p class="fingerprint-words" aria-label=${t("fingerprint_words")}>${r.words}</p>`:this.keyError?o`<p class="error">${this.keyError}</p>`:this.key?o`<p class="muted">${t("fingerprint_none")}</p>`:h}
      </section>
      <section class="card">
        <h2>${t("audit_heading")}</h2>
        <p class="muted">${t("audit_help")}</p>
        <div class="row">
          <button class="primary verify" ?disabled=${this.busy} @click=${()=>{this.verify()}}>
            ${t("audit_verify")}
          </button>
          <button class="export" ?disabled=${this.busy} @click=${()=>{this.export()}}>
            ${t("audit_export")}
          </button>
        </div>
        ${this.error?o`<p class="error">${this.error}</p>`:h}
        ${e?o`<div class="result ${e.ok?"ok":"bad"}" data-ok=${String(e.ok)}>
              <p>
                <strong>${e.ok?t("audit_ok"):t("audit_broken")}</strong>
                ${t("audit_entries",{count:q(this.hass,e.entries)})}
              </p>
              ${e.head?o`<p class="hash">${t("audit_head")}: ${e.head}</p>`:h}
              ${e.problem?o`<p class="problem">
                    ${t("audit_problem",{seq:e.problem.seq,kind:e.problem.kind,reason:e.problem.reason})}
                  </p>`:h}
            </div>`:h}
        ${this.exported?o`<p class="muted exported">
              ${t("audit_exported",{path:this.exported.path,count:this.exported.entries})}
            </p>`:h}
      </section>
    `}};A.styles=[T,x`
      .result {
        margin-top: 12px;
        padding: 12px;
        border-radius: 8px;
        border-left: 4px solid var(--dv-success);
        background: var(--secondary-background-color, #f3f3f3);
      }
      .result.bad {
        border-left-color: var(--dv-error);
      }
      .hash {
        font-family: monospace;
        overflow-wrap: anywhere;
      }
      .key {
        margin-bottom: 16px;
      }
      .fingerprint-hex {
        font-size: 1.05rem;
        letter-spacing: 0.02em;
      }
      .fingerprint-words {
        font-weight: 500;
        overflow-wrap: anywhere;
      }
    `],l([g({attribute:!1})],A.prototype,"hass",2),l([g({attribute:!1})],A.prototype,"t",2),l([p()],A.prototype,"result",2),l([p()],A.prototype,"exported",2),l([p()],A.prototype,"error",2),l([p()],A.prototype,"busy",2),l([p()],A.prototype,"key",2),l([p()],A.prototype,"keyError",2),A=l([C("dv-audit-view")],A);var Oe={pending:"var(--dv-warning)",shared:"var(--dv-accent)",declined:"var(--dv-error)",rejected:"#8e24aa",expired:"#9e9e9e",withdrawn:"#6d4c41",revoked:"#ef6c00"};function me(i){return typeof i=="number"?i:0}function mt(i){return Oe[i]??"#607d8b"}var U=class extends ${connectedCallback(){super.connectedCallback(),le(this.hass).then(s=>this.report=s).catch(s=>this.error=R(s))}months(s){let t=this.t,e=s.by_month,r=Object.keys(s.by_outcome),a=e.map(m=>r.reduce((S,k)=>S+me(m[k]),0)),n=Math.max(1,...a),c=28,d=12,u=160,b=Math.max(200,e.length*(c+d)+d);return o`
      <div class="chart-scroll">
        <svg class="months" viewBox="0 0 ${b} ${u+24}" width=${b} height=${u+24} role="img"
          aria-label=${t("chart_by_month")}>
          ${e.map((m,S)=>{let k=u,j=d+S*(c+d);return Ct`<g>
              ${r.map(gt=>{let ft=me(m[gt]),qt=ft/n*(u-8);return k-=qt,ft?Ct`<rect x=${j} y=${k} width=${c} height=${qt} fill=${mt(gt)}><title>${m.month}: ${t(`status_${gt}`)} ${ft}</title></rect>`:h})}
              <text x=${j+c/2} y=${u+16} text-anchor="middle" class="axis">${m.month.slice(2)}</text>
            </g>`})}
        </svg>
      </div>
      <div class="legend">
        ${r.map(m=>o`<span><i style="background:${mt(m)}"></i>${t(`status_${m}`)}</span>`)}
      </div>
    `}bars(s,t,e){let r=Object.entries(s).sort((n,c)=>c[1]-n[1]),a=Math.max(1,...r.map(([,n])=>n));return r.length?o`<ul class="bars">
      ${r.map(([n,c])=>o`<li>
          <span class="bar-label">${t(n)}</span>
          <span class="bar-track"
            ><span
              class="bar"
              style="width:${c/a*100}%;background:${e?e(n):"var(--dv-accent)"}"
            ></span
          ></span>
          <span class="bar-value">${q(this.hass,c)}</span>
        </li>`)}
    </ul>`:o`<p class="muted">${this.t("no_data")}</p>`}stacked(s){let t=Object.entries(s).sort((r,a)=>(a[1].total??0)-(r[1].total??0)),e=Math.max(1,...t.map(([,r])=>r.total??0));return t.length?o`<ul class="bars">
      ${t.map(([r,a])=>o`<li>
          <span class="bar-label" title=${r}>${r}</span>
          <span class="bar-track stack"
            >${Object.entries(a).filter(([n,c])=>n!=="total"&&c>0).map(([n,c])=>o`<span
                    class="bar"
                    title="${this.t(`status_${n}`)}: ${c}"
                    style="width:${c/e*100}%;background:${mt(n)}"
                  ></span>`)}</span
          >
          <span class="bar-value">${q(this.hass,a.total??0)}</span>
        </li>`)}
    </ul>`:o`<p class="muted">${this.t("no_data")}</p>`}render(){let s=this.t,t=this.report;return this.error?o`<p class="error">${this.error}</p>`:t?o`
      <section class="card figures">
        <div class="figure">
          <span class="value">${t.median_minutes_to_decision===null?"—":q(this.hass,t.median_minutes_to_decision,1)}</span>
          <span class="muted">${s("median_minutes")}</span>
        </div>
        <div class="figure">
          <span class="value">${q(this.hass,t.minutes_shared,1)}</span>
          <span class="muted">${s("minutes_shared")}</span>
        </div>
        <div class="figure">
          <span class="value">${q(this.hass,t.downloads)}</span>
          <span class="muted">${s("downloads_total")}</span>
        </div>
        <div class="row downloads">
          <button @click=${()=>{ot(this.hass,t.markdown_url)}}>${s("download_markdown")}</button>
          <button @click=${()=>{ot(this.hass,t.csv_url)}}>${s("download_csv")}</button>
        </div>
      </section>
      <section class="card">
        <h2>${s("chart_by_month")}</h2>
        ${t.by_month.length?this.months(t):o`<p class="muted">${s("no_data")}</p>`}
      </section>
      <div class="grid">
        <section class="card">
          <h2>${s("chart_by_outcome")}</h2>
          ${this.bars(t.by_outcome,e=>s(`status_${e}`),mt)}
        </section>
        <section class="card">
          <h2>${s("chart_by_agency")}</h2>
          ${this.stacked(t.by_agency)}
        </section>
        <section class="card">
          <h2>${s("chart_by_legal_basis")}</h2>
          ${this.bars(t.by_legal_basis,e=>s(`legal_basis_${e}`))}
        </section>
      </div>
    `:o`<p class="muted">${s("loading")}</p>`}};U.styles=[T,x`
      .figures {
        display: flex;
        flex-wrap: wrap;
        gap: 24px;
        align-items: center;
      }
      .figure {
        display: flex;
        flex-direction: column;
      }
      .figure .value {
        font-size: 2rem;
        font-weight: 500;
      }
      .downloads {
        margin-left: auto;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
        gap: var(--dv-gap);
      }
      .chart-scroll {
        overflow-x: auto;
      }
      .axis {
        font-size: 10px;
        fill: var(--dv-muted);
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
        font-size: 0.85rem;
        margin-top: 8px;
      }
      .legend i {
        display: inline-block;
        width: 10px;
        height: 10px;
        margin-right: 4px;
        border-radius: 2px;
      }
      ul.bars {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      ul.bars li {
        display: grid;
        grid-template-columns: minmax(0, 9em) minmax(0, 1fr) 3em;
        gap: 8px;
        align-items: center;
        margin: 6px 0;
      }
      .bar-label {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .bar-track {
        background: var(--secondary-background-color, #eee);
        border-radius: 4px;
        height: 14px;
        overflow: hidden;
      }
      .bar {
        display: block;
        height: 100%;
      }
      .stack {
        display: flex;
      }
      .bar-value {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
    `],l([g({attribute:!1})],U.prototype,"hass",2),l([g({attribute:!1})],U.prototype,"t",2),l([p()],U.prototype,"report",2),l([p()],U.prototype,"error",2),U=l([C("dv-transparency-view")],U);var P=class extends ${constructor(){super(...arguments);this.narrow=!1;this.serial=0}connectedCallback(){super.connectedCallback(),performance.mark("doorbell-vault:panel-connected"),this.hass&&this.subscribe()}disconnectedCallback(){super.disconnectedCallback();let t=this.unsubscribe;this.unsubscribe=void 0,t&&t.then(e=>e()).catch(()=>{})}willUpdate(t){t.has("hass")&&this.hass&&(this.hass.language!==this.language&&(this.language=this.hass.language,ce(this.hass).then(e=>{this.t=Tt(e)}).catch(e=>{this.loadError=String(e),this.t=Tt({})})),!this.unsubscribe&&this.isConnected&&this.subscribe())}subscribe(){!this.hass||this.unsubscribe||(this.unsubscribe=ae(this.hass,t=>{this.serial+=1,this.change={request:t,serial:this.serial}}),this.unsubscribe.catch(t=>{this.unsubscribe=void 0,this.loadError=String(t.message??t)}))}get view(){let e=(this.route?.path??"").split("/").filter(Boolean);return e[0]==="request"&&e[1]?{tab:"inbox",requestId:decodeURIComponent(e[1])}:e[0]==="audit"?{tab:"audit"}:e[0]==="transparency"?{tab:"transparency"}:{tab:"inbox"}}go(t,e){t.preventDefault(),G(`${H}${e}`)}render(){if(!this.hass||!this.t)return o`<div class="loading"></div>`;let t=this.t,e=this.view,r=[["inbox","",t("tab_inbox")],["audit","/audit",t("tab_audit")],["transparency","/transparency",t("tab_transparency")]];return o`
      <header class="toolbar">
        <ha-menu-button .hass=${this.hass} .narrow=${this.narrow}></ha-menu-button>
        <div class="title">${t("title")}</div>
      </header>
      <nav class="tabs" aria-label=${t("title")}>
        ${r.map(([a,n,c])=>o`<a
            href="${H}${n}"
            class=${e.tab===a&&!(a==="inbox"&&e.requestId)?"active":""}
            aria-current=${e.tab===a?"page":"false"}
            @click=${d=>this.go(d,n)}
            >${c}</a
          >`)}
      </nav>
      <main>
        ${this.loadError?o`<p class="error">${this.loadError}</p>`:h}
        ${e.requestId?o`<dv-request-view
              .hass=${this.hass}
              .t=${t}
              .requestId=${e.requestId}
              .change=${this.change}
              .narrow=${this.narrow}
            ></dv-request-view>`:e.tab==="audit"?o`<dv-audit-view .hass=${this.hass} .t=${t}></dv-audit-view>`:e.tab==="transparency"?o`<dv-transparency-view .hass=${this.hass} .t=${t}></dv-transparency-view>`:o`<dv-inbox .hass=${this.hass} .t=${t} .change=${this.change}></dv-inbox>`}
      </main>
    `}};P.styles=[T,x`
      :host {
        min-height: 100vh;
        background: var(--primary-background-color, #fafafa);
      }
      .toolbar {
        display: flex;
        align-items: center;
        height: var(--header-height, 56px);
        padding: 0 12px;
        gap: 8px;
        background: var(--app-header-background-color, var(--primary-color, #03a9f4));
        color: var(--app-header-text-color, #fff);
        box-sizing: border-box;
      }
      .title {
        font-size: 1.25rem;
        margin-left: 4px;
      }
      .tabs {
        display: flex;
        gap: 4px;
        padding: 0 12px;
        background: var(--app-header-background-color, var(--primary-color, #03a9f4));
        overflow-x: auto;
      }
      .tabs a {
        color: var(--app-header-text-color, #fff);
        opacity: 0.8;
        text-decoration: none;
        padding: 10px 14px;
        border-bottom: 2px solid transparent;
        white-space: nowrap;
      }
      .tabs a.active {
        opacity: 1;
        border-bottom-color: currentColor;
      }
      main {
        padding: var(--dv-gap);
        max-width: 1200px;
        margin: 0 auto;
        box-sizing: border-box;
      }
      :host([narrow]) main {
        padding: 8px;
      }
    `],l([g({attribute:!1})],P.prototype,"hass",2),l([g({type:Boolean,reflect:!0})],P.prototype,"narrow",2),l([g({attribute:!1})],P.prototype,"route",2),l([g({attribute:!1})],P.prototype,"panel",2),l([p()],P.prototype,"t",2),l([p()],P.prototype,"change",2),l([p()],P.prototype,"loadError",2),P=l([C("doorbell-vault-panel")],P);export{P as DoorbellVaultPanel};
