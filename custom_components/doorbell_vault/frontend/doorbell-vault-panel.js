var Fe=Object.defineProperty;var We=Object.getOwnPropertyDescriptor;var d=(r,s,t,e)=>{for(var i=e>1?void 0:e?We(s,t):s,a=r.length-1,n;a>=0;a--)(n=r[a])&&(i=(e?n(s,t,i):n(i))||i);return e&&i&&Fe(s,t,i),i};var bt=globalThis,$t=bt.ShadowRoot&&(bt.ShadyCSS===void 0||bt.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,Lt=Symbol(),se=new WeakMap,at=class{constructor(s,t,e){if(this._$cssResult$=!0,e!==Lt)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=s,this.t=t}get styleSheet(){let s=this.o,t=this.t;if($t&&s===void 0){let e=t!==void 0&&t.length===1;e&&(s=se.get(t)),s===void 0&&((this.o=s=new CSSStyleSheet).replaceSync(this.cssText),e&&se.set(t,s))}return s}toString(){return this.cssText}},ie=r=>new at(typeof r=="string"?r:r+"",void 0,Lt),v=(r,...s)=>{let t=r.length===1?r[0]:s.reduce((e,i,a)=>e+(n=>{if(n._$cssResult$===!0)return n.cssText;if(typeof n=="number")return n;throw Error("Value passed to 'css' function must be a 'css' function result: "+n+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(i)+r[a+1],r[0]);return new at(t,r,Lt)},re=(r,s)=>{if($t)r.adoptedStyleSheets=s.map(t=>t instanceof CSSStyleSheet?t:t.styleSheet);else for(let t of s){let e=document.createElement("style"),i=bt.litNonce;i!==void 0&&e.setAttribute("nonce",i),e.textContent=t.cssText,r.appendChild(e)}},Ut=$t?r=>r:r=>r instanceof CSSStyleSheet?(s=>{let t="";for(let e of s.cssRules)t+=e.cssText;return ie(t)})(r):r;var{is:Ke,defineProperty:Ge,getOwnPropertyDescriptor:Je,getOwnPropertyNames:Xe,getOwnPropertySymbols:Ze,getPrototypeOf:Ye}=Object,yt=globalThis,ae=yt.trustedTypes,Qe=ae?ae.emptyScript:"",Ve=yt.reactiveElementPolyfillSupport,nt=(r,s)=>r,ot={toAttribute(r,s){switch(s){case Boolean:r=r?Qe:null;break;case Object:case Array:r=r==null?r:JSON.stringify(r)}return r},fromAttribute(r,s){let t=r;switch(s){case Boolean:t=r!==null;break;case Number:t=r===null?null:Number(r);break;case Object:case Array:try{t=JSON.parse(r)}catch{t=null}}return t}},xt=(r,s)=>!Ke(r,s),ne={attribute:!0,type:String,converter:ot,reflect:!1,useDefault:!1,hasChanged:xt};Symbol.metadata??=Symbol("metadata"),yt.litPropertyMetadata??=new WeakMap;var B=class extends HTMLElement{static addInitializer(s){this._$Ei(),(this.l??=[]).push(s)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(s,t=ne){if(t.state&&(t.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(s)&&((t=Object.create(t)).wrapped=!0),this.elementProperties.set(s,t),!t.noAccessor){let e=Symbol(),i=this.getPropertyDescriptor(s,e,t);i!==void 0&&Ge(this.prototype,s,i)}}static getPropertyDescriptor(s,t,e){let{get:i,set:a}=Je(this.prototype,s)??{get(){return this[t]},set(n){this[t]=n}};return{get:i,set(n){let l=i?.call(this);a?.call(this,n),this.requestUpdate(s,l,e)},configurable:!0,enumerable:!0}}static getPropertyOptions(s){return this.elementProperties.get(s)??ne}static _$Ei(){if(this.hasOwnProperty(nt("elementProperties")))return;let s=Ye(this);s.finalize(),s.l!==void 0&&(this.l=[...s.l]),this.elementProperties=new Map(s.elementProperties)}static finalize(){if(this.hasOwnProperty(nt("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(nt("properties"))){let t=this.properties,e=[...Xe(t),...Ze(t)];for(let i of e)this.createProperty(i,t[i])}let s=this[Symbol.metadata];if(s!==null){let t=litPropertyMetadata.get(s);if(t!==void 0)for(let[e,i]of t)this.elementProperties.set(e,i)}this._$Eh=new Map;for(let[t,e]of this.elementProperties){let i=this._$Eu(t,e);i!==void 0&&this._$Eh.set(i,t)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(s){let t=[];if(Array.isArray(s)){let e=new Set(s.flat(1/0).reverse());for(let i of e)t.unshift(Ut(i))}else s!==void 0&&t.push(Ut(s));return t}static _$Eu(s,t){let e=t.attribute;return e===!1?void 0:typeof e=="string"?e:typeof s=="string"?s.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(s=>this.enableUpdating=s),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(s=>s(this))}addController(s){(this._$EO??=new Set).add(s),this.renderRoot!==void 0&&this.isConnected&&s.hostConnected?.()}removeController(s){this._$EO?.delete(s)}_$E_(){let s=new Map,t=this.constructor.elementProperties;for(let e of t.keys())this.hasOwnProperty(e)&&(s.set(e,this[e]),delete this[e]);s.size>0&&(this._$Ep=s)}createRenderRoot(){let s=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return re(s,this.constructor.elementStyles),s}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(s=>s.hostConnected?.())}enableUpdating(s){}disconnectedCallback(){this._$EO?.forEach(s=>s.hostDisconnected?.())}attributeChangedCallback(s,t,e){this._$AK(s,e)}_$ET(s,t){let e=this.constructor.elementProperties.get(s),i=this.constructor._$Eu(s,e);if(i!==void 0&&e.reflect===!0){let a=(e.converter?.toAttribute!==void 0?e.converter:ot).toAttribute(t,e.type);this._$Em=s,a==null?this.removeAttribute(i):this.setAttribute(i,a),this._$Em=null}}_$AK(s,t){let e=this.constructor,i=e._$Eh.get(s);if(i!==void 0&&this._$Em!==i){let a=e.getPropertyOptions(i),n=typeof a.converter=="function"?{fromAttribute:a.converter}:a.converter?.fromAttribute!==void 0?a.converter:ot;this._$Em=i;let l=n.fromAttribute(t,a.type);this[i]=l??this._$Ej?.get(i)??l,this._$Em=null}}requestUpdate(s,t,e,i=!1,a){if(s!==void 0){let n=this.constructor;if(i===!1&&(a=this[s]),e??=n.getPropertyOptions(s),!((e.hasChanged??xt)(a,t)||e.useDefault&&e.reflect&&a===this._$Ej?.get(s)&&!this.hasAttribute(n._$Eu(s,e))))return;this.C(s,t,e)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(s,t,{useDefault:e,reflect:i,wrapped:a},n){e&&!(this._$Ej??=new Map).has(s)&&(this._$Ej.set(s,n??t??this[s]),a!==!0||n!==void 0)||(this._$AL.has(s)||(this.hasUpdated||e||(t=void 0),this._$AL.set(s,t)),i===!0&&this._$Em!==s&&(this._$Eq??=new Set).add(s))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(t){Promise.reject(t)}let s=this.scheduleUpdate();return s!=null&&await s,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[i,a]of this._$Ep)this[i]=a;this._$Ep=void 0}let e=this.constructor.elementProperties;if(e.size>0)for(let[i,a]of e){let{wrapped:n}=a,l=this[i];n!==!0||this._$AL.has(i)||l===void 0||this.C(i,void 0,a,l)}}let s=!1,t=this._$AL;try{s=this.shouldUpdate(t),s?(this.willUpdate(t),this._$EO?.forEach(e=>e.hostUpdate?.()),this.update(t)):this._$EM()}catch(e){throw s=!1,this._$EM(),e}s&&this._$AE(t)}willUpdate(s){}_$AE(s){this._$EO?.forEach(t=>t.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(s)),this.updated(s)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(s){return!0}update(s){this._$Eq&&=this._$Eq.forEach(t=>this._$ET(t,this[t])),this._$EM()}updated(s){}firstUpdated(s){}};B.elementStyles=[],B.shadowRootOptions={mode:"open"},B[nt("elementProperties")]=new Map,B[nt("finalized")]=new Map,Ve?.({ReactiveElement:B}),(yt.reactiveElementVersions??=[]).push("2.1.2");var Wt=globalThis,oe=r=>r,_t=Wt.trustedTypes,de=_t?_t.createPolicy("lit-html",{createHTML:r=>r}):void 0,me="$lit$",K=`lit$${Math.random().toFixed(9).slice(2)}$`,ge="?"+K,De=`<${ge}>`,Y=document,lt=()=>Y.createComment(""),ct=r=>r===null||typeof r!="object"&&typeof r!="function",Kt=Array.isArray,ts=r=>Kt(r)||typeof r?.[Symbol.iterator]=="function",Nt=`[ 	
\f\r]`,dt=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,le=/-->/g,ce=/>/g,X=RegExp(`>|${Nt}(?:([^\\s"'>=/]+)(${Nt}*=${Nt}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),he=/'/g,pe=/"/g,fe=/^(?:script|style|textarea|title)$/i,Gt=r=>(s,...t)=>({_$litType$:r,strings:s,values:t}),o=Gt(1),q=Gt(2),xs=Gt(3),Q=Symbol.for("lit-noChange"),c=Symbol.for("lit-nothing"),ue=new WeakMap,Z=Y.createTreeWalker(Y,129);function ve(r,s){if(!Kt(r)||!r.hasOwnProperty("raw"))throw Error("invalid template strings array");return de!==void 0?de.createHTML(s):s}var es=(r,s)=>{let t=r.length-1,e=[],i,a=s===2?"<svg>":s===3?"<math>":"",n=dt;for(let l=0;l<t;l++){let h=r[l],u,f,m=-1,x=0;for(;x<h.length&&(n.lastIndex=x,f=n.exec(h),f!==null);)x=n.lastIndex,n===dt?f[1]==="!--"?n=le:f[1]!==void 0?n=ce:f[2]!==void 0?(fe.test(f[2])&&(i=RegExp("</"+f[2],"g")),n=X):f[3]!==void 0&&(n=X):n===X?f[0]===">"?(n=i??dt,m=-1):f[1]===void 0?m=-2:(m=n.lastIndex-f[2].length,u=f[1],n=f[3]===void 0?X:f[3]==='"'?pe:he):n===pe||n===he?n=X:n===le||n===ce?n=dt:(n=X,i=void 0);let E=n===X&&r[l+1].startsWith("/>")?" ":"";a+=n===dt?h+De:m>=0?(e.push(u),h.slice(0,m)+me+h.slice(m)+K+E):h+K+(m===-2?l:E)}return[ve(r,a+(r[t]||"<?>")+(s===2?"</svg>":s===3?"</math>":"")),e]},ht=class r{constructor({strings:s,_$litType$:t},e){let i;this.parts=[];let a=0,n=0,l=s.length-1,h=this.parts,[u,f]=es(s,t);if(this.el=r.createElement(u,e),Z.currentNode=this.el.content,t===2||t===3){let m=this.el.content.firstChild;m.replaceWith(...m.childNodes)}for(;(i=Z.nextNode())!==null&&h.length<l;){if(i.nodeType===1){if(i.hasAttributes())for(let m of i.getAttributeNames())if(m.endsWith(me)){let x=f[n++],E=i.getAttribute(m).split(K),j=/([.?@])?(.*)/.exec(x);h.push({type:1,index:a,name:j[2],strings:E,ctor:j[1]==="."?jt:j[1]==="?"?Bt:j[1]==="@"?zt:tt}),i.removeAttribute(m)}else m.startsWith(K)&&(h.push({type:6,index:a}),i.removeAttribute(m));if(fe.test(i.tagName)){let m=i.textContent.split(K),x=m.length-1;if(x>0){i.textContent=_t?_t.emptyScript:"";for(let E=0;E<x;E++)i.append(m[E],lt()),Z.nextNode(),h.push({type:2,index:++a});i.append(m[x],lt())}}}else if(i.nodeType===8)if(i.data===ge)h.push({type:2,index:a});else{let m=-1;for(;(m=i.data.indexOf(K,m+1))!==-1;)h.push({type:7,index:a}),m+=K.length-1}a++}}static createElement(s,t){let e=Y.createElement("template");return e.innerHTML=s,e}};function D(r,s,t=r,e){if(s===Q)return s;let i=e!==void 0?t._$Co?.[e]:t._$Cl,a=ct(s)?void 0:s._$litDirective$;return i?.constructor!==a&&(i?._$AO?.(!1),a===void 0?i=void 0:(i=new a(r),i._$AT(r,t,e)),e!==void 0?(t._$Co??=[])[e]=i:t._$Cl=i),i!==void 0&&(s=D(r,i._$AS(r,s.values),i,e)),s}var It=class{constructor(s,t){this._$AV=[],this._$AN=void 0,this._$AD=s,this._$AM=t}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(s){let{el:{content:t},parts:e}=this._$AD,i=(s?.creationScope??Y).importNode(t,!0);Z.currentNode=i;let a=Z.nextNode(),n=0,l=0,h=e[0];for(;h!==void 0;){if(n===h.index){let u;h.type===2?u=new pt(a,a.nextSibling,this,s):h.type===1?u=new h.ctor(a,h.name,h.strings,this,s):h.type===6&&(u=new Ft(a,this,s)),this._$AV.push(u),h=e[++l]}n!==h?.index&&(a=Z.nextNode(),n++)}return Z.currentNode=Y,i}p(s){let t=0;for(let e of this._$AV)e!==void 0&&(e.strings!==void 0?(e._$AI(s,e,t),t+=e.strings.length-2):e._$AI(s[t])),t++}},pt=class r{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(s,t,e,i){this.type=2,this._$AH=c,this._$AN=void 0,this._$AA=s,this._$AB=t,this._$AM=e,this.options=i,this._$Cv=i?.isConnected??!0}get parentNode(){let s=this._$AA.parentNode,t=this._$AM;return t!==void 0&&s?.nodeType===11&&(s=t.parentNode),s}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(s,t=this){s=D(this,s,t),ct(s)?s===c||s==null||s===""?(this._$AH!==c&&this._$AR(),this._$AH=c):s!==this._$AH&&s!==Q&&this._(s):s._$litType$!==void 0?this.$(s):s.nodeType!==void 0?this.T(s):ts(s)?this.k(s):this._(s)}O(s){return this._$AA.parentNode.insertBefore(s,this._$AB)}T(s){this._$AH!==s&&(this._$AR(),this._$AH=this.O(s))}_(s){this._$AH!==c&&ct(this._$AH)?this._$AA.nextSibling.data=s:this.T(Y.createTextNode(s)),this._$AH=s}$(s){let{values:t,_$litType$:e}=s,i=typeof e=="number"?this._$AC(s):(e.el===void 0&&(e.el=ht.createElement(ve(e.h,e.h[0]),this.options)),e);if(this._$AH?._$AD===i)this._$AH.p(t);else{let a=new It(i,this),n=a.u(this.options);a.p(t),this.T(n),this._$AH=a}}_$AC(s){let t=ue.get(s.strings);return t===void 0&&ue.set(s.strings,t=new ht(s)),t}k(s){Kt(this._$AH)||(this._$AH=[],this._$AR());let t=this._$AH,e,i=0;for(let a of s)i===t.length?t.push(e=new r(this.O(lt()),this.O(lt()),this,this.options)):e=t[i],e._$AI(a),i++;i<t.length&&(this._$AR(e&&e._$AB.nextSibling,i),t.length=i)}_$AR(s=this._$AA.nextSibling,t){for(this._$AP?.(!1,!0,t);s!==this._$AB;){let e=oe(s).nextSibling;oe(s).remove(),s=e}}setConnected(s){this._$AM===void 0&&(this._$Cv=s,this._$AP?.(s))}},tt=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(s,t,e,i,a){this.type=1,this._$AH=c,this._$AN=void 0,this.element=s,this.name=t,this._$AM=i,this.options=a,e.length>2||e[0]!==""||e[1]!==""?(this._$AH=Array(e.length-1).fill(new String),this.strings=e):this._$AH=c}_$AI(s,t=this,e,i){let a=this.strings,n=!1;if(a===void 0)s=D(this,s,t,0),n=!ct(s)||s!==this._$AH&&s!==Q,n&&(this._$AH=s);else{let l=s,h,u;for(s=a[0],h=0;h<a.length-1;h++)u=D(this,l[e+h],t,h),u===Q&&(u=this._$AH[h]),n||=!ct(u)||u!==this._$AH[h],u===c?s=c:s!==c&&(s+=(u??"")+a[h+1]),this._$AH[h]=u}n&&!i&&this.j(s)}j(s){s===c?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,s??"")}},jt=class extends tt{constructor(){super(...arguments),this.type=3}j(s){this.element[this.name]=s===c?void 0:s}},Bt=class extends tt{constructor(){super(...arguments),this.type=4}j(s){this.element.toggleAttribute(this.name,!!s&&s!==c)}},zt=class extends tt{constructor(s,t,e,i,a){super(s,t,e,i,a),this.type=5}_$AI(s,t=this){if((s=D(this,s,t,0)??c)===Q)return;let e=this._$AH,i=s===c&&e!==c||s.capture!==e.capture||s.once!==e.once||s.passive!==e.passive,a=s!==c&&(e===c||i);i&&this.element.removeEventListener(this.name,this,e),a&&this.element.addEventListener(this.name,this,s),this._$AH=s}handleEvent(s){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,s):this._$AH.handleEvent(s)}},Ft=class{constructor(s,t,e){this.element=s,this.type=6,this._$AN=void 0,this._$AM=t,this.options=e}get _$AU(){return this._$AM._$AU}_$AI(s){D(this,s)}};var ss=Wt.litHtmlPolyfillSupport;ss?.(ht,pt),(Wt.litHtmlVersions??=[]).push("3.3.3");var be=(r,s,t)=>{let e=t?.renderBefore??s,i=e._$litPart$;if(i===void 0){let a=t?.renderBefore??null;e._$litPart$=i=new pt(s.insertBefore(lt(),a),a,void 0,t??{})}return i._$AI(r),i};var Jt=globalThis,$=class extends B{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let s=super.createRenderRoot();return this.renderOptions.renderBefore??=s.firstChild,s}update(s){let t=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(s),this._$Do=be(t,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return Q}};$._$litElement$=!0,$.finalized=!0,Jt.litElementHydrateSupport?.({LitElement:$});var is=Jt.litElementPolyfillSupport;is?.({LitElement:$});(Jt.litElementVersions??=[]).push("4.2.2");var _=r=>(s,t)=>{t!==void 0?t.addInitializer(()=>{customElements.define(r,s)}):customElements.define(r,s)};var rs={attribute:!0,type:String,converter:ot,reflect:!1,hasChanged:xt},as=(r=rs,s,t)=>{let{kind:e,metadata:i}=t,a=globalThis.litPropertyMetadata.get(i);if(a===void 0&&globalThis.litPropertyMetadata.set(i,a=new Map),e==="setter"&&((r=Object.create(r)).wrapped=!0),a.set(t.name,r),e==="accessor"){let{name:n}=t;return{set(l){let h=s.get.call(this);s.set.call(this,l),this.requestUpdate(n,h,r,!0,l)},init(l){return l!==void 0&&this.C(n,void 0,r,l),l}}}if(e==="setter"){let{name:n}=t;return function(l){let h=this[n];s.call(this,l),this.requestUpdate(n,h,r,!0,l)}}throw Error("Unsupported decorator location: "+e)};function g(r){return(s,t)=>typeof t=="object"?as(r,s,t):((e,i,a)=>{let n=i.hasOwnProperty(a);return i.constructor.createProperty(a,e),n?Object.getOwnPropertyDescriptor(i,a):void 0})(r,s,t)}function p(r){return g({...r,state:!0,attribute:!1})}var V=(r,s,t)=>(t.configurable=!0,t.enumerable=!0,Reflect.decorate&&typeof s!="object"&&Object.defineProperty(r,s,t),t);function wt(r,s){return(t,e,i)=>{let a=n=>n.renderRoot?.querySelector(r)??null;if(s){let{get:n,set:l}=typeof e=="object"?t:i??(()=>{let h=Symbol();return{get(){return this[h]},set(u){this[h]=u}}})();return V(t,e,{get(){let h=n.call(this);return h===void 0&&(h=a(this),(h!==null||this.hasUpdated)&&l.call(this,h)),h}})}return V(t,e,{get(){return a(this)}})}}function $e(r,s){let t={type:"doorbell_vault/requests/list",offset:s.offset??0,limit:s.limit??50};return s.status&&(t.status=s.status),s.agency&&(t.agency=s.agency),r.callWS(t)}function ye(r,s){return r.callWS({type:"doorbell_vault/requests/get",request_id:s})}function xe(r,s,t){return r.callWS({type:"doorbell_vault/requests/preview",request_id:s,...t})}function _e(r,s,t){return r.callWS({type:"doorbell_vault/requests/decide",request_id:s,decision:"share",...t})}function we(r,s,t,e){let i={request_id:s,decision:"decline"};return t.trim()&&(i.message=t.trim()),e&&(i.always_decline_agency=!0),r.callWS({type:"doorbell_vault/requests/decide",...i})}function ke(r,s){return r.callWS({type:"doorbell_vault/requests/decide",request_id:s,decision:"revoke"})}function Se(r,s){return r.connection.subscribeMessage(s,{type:"doorbell_vault/requests/subscribe"})}function Ee(r){return r.callWS({type:"doorbell_vault/audit/verify"})}function Ae(r){return r.callWS({type:"doorbell_vault/audit/fingerprint"})}function Me(r){return r.callWS({type:"doorbell_vault/audit/export"})}function Pe(r,s){return r.callWS(s?{type:"doorbell_vault/report",since:s}:{type:"doorbell_vault/report"})}async function kt(r,s,t=3600){return(await r.callWS({type:"auth/sign_path",path:s,expires:t})).path}function S(r){return r&&typeof r=="object"&&"message"in r?String(r.message):String(r)}async function Re(r){return(await r.callWS({type:"doorbell_vault/strings",language:r.language})).strings}function Xt(r){return(s,t)=>{let e=r[s];return e===void 0?s:t?e.replace(/\{(\w+)\}/g,(i,a)=>a in t?String(t[a]):i):e}}function L(r,s=!1){s?history.replaceState(null,"",r):history.pushState(null,"",r),window.dispatchEvent(new CustomEvent("location-changed",{detail:{replace:s}}))}var U="/doorbell-vault",et=r=>`${U}/masks/${encodeURIComponent(r)}`;var w=v`
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
`;function ns(r){return r.locale?.time_zone==="server"?r.config.time_zone:void 0}function st(r){return r.locale?.language??r.language??"en"}function os(r){let s=r.locale?.time_format;if(s==="12")return!0;if(s==="24")return!1}var Te=new Map;function Ce(r,s){let t=ns(r),e=os(r),i=JSON.stringify([st(r),t,e,s]),a=Te.get(i);return a||(a=new Intl.DateTimeFormat(st(r),{...s,...t?{timeZone:t}:{},...e===void 0?{}:{hour12:e}}),Te.set(i,a)),a}function C(r,s){return s?Ce(r,{dateStyle:"medium",timeStyle:"medium"}).format(new Date(s)):""}function ut(r,s){return Ce(r,{timeStyle:"medium"}).format(new Date(s))}function P(r){return r?new Date(r).toISOString().replace("T"," ").replace(/\.\d+Z$/," UTC").replace(/Z$/," UTC"):""}function z(r,s,t=0){return new Intl.NumberFormat(st(r),{maximumFractionDigits:t}).format(s)}function mt(r,s){let t=["B","kB","MB","GB","TB"],e=s,i=0;for(;e>=1e3&&i<t.length-1;)e/=1e3,i+=1;return`${z(r,e,i===0?0:1)} ${t[i]}`}function G(r){let s=Math.max(0,Math.round(r)),t=Math.floor(s/3600),e=Math.floor(s%3600/60),i=s%60,a=t?String(e).padStart(2,"0"):String(e);return`${t?`${t}:`:""}${a}:${String(i).padStart(2,"0")}`}function gt(r,s){let t=Math.max(0,Math.round(s/6e4)),e=Math.floor(t/1440),i=Math.floor(t%1440/60),a=t%60,n=(l,h)=>new Intl.NumberFormat(st(r),{style:"unit",unit:h,unitDisplay:"short"}).format(l);return e?`${n(e,"day")} ${n(i,"hour")}`:i?`${n(i,"hour")} ${n(a,"minute")}`:n(a,"minute")}function Zt(r,s){return s>=1e3?new Intl.NumberFormat(st(r),{style:"unit",unit:"kilometer",maximumFractionDigits:1}).format(s/1e3):new Intl.NumberFormat(st(r),{style:"unit",unit:"meter",maximumFractionDigits:0}).format(s)}function y(r){return new Date(r).getTime()}function F(r){return new Date(r).toISOString()}var He=["pending","shared","declined","rejected","expired","withdrawn","revoked"],Oe=["originals","masks","masks_faces"];var T=class extends ${constructor(){super(...arguments);this.status="";this.agency="";this.offset=0;this.now=Date.now();this.loading=0;this.rendered=!1}connectedCallback(){super.connectedCallback(),this.timer=window.setInterval(()=>this.now=Date.now(),3e4),this.load()}disconnectedCallback(){super.disconnectedCallback(),window.clearInterval(this.timer),window.clearTimeout(this.refreshTimer)}updated(t){this.list&&!this.rendered&&(this.rendered=!0,performance.mark("doorbell-vault:inbox-rendered")),t.has("change")&&this.change&&this.list&&this.applyChange(this.change.request)}applyChange(t){if(this.list){let e=this.list.requests.findIndex(i=>i.request_id===t.request_id);if(e>=0){let i=[...this.list.requests];i[e]={...i[e],...t},this.list={...this.list,requests:i}}}window.clearTimeout(this.refreshTimer),this.refreshTimer=window.setTimeout(()=>this.load(),250)}load(){let t=++this.loading;$e(this.hass,{status:this.status,agency:this.agency,offset:this.offset,limit:50}).then(e=>{t===this.loading&&(this.list=e,this.error=void 0,this.now=Date.now())}).catch(e=>{t===this.loading&&(this.error=S(e))})}setStatus(t){this.status=t.target.value,this.offset=0,this.load()}setAgency(t){this.agency=t.target.value,this.offset=0,this.load()}page(t){this.offset=Math.max(0,this.offset+t*50),this.load()}open(t,e){t.preventDefault(),L(`${U}/request/${encodeURIComponent(e)}`)}renderRow(t){let e=this.t,i=t.status==="pending",a=y(t.deadline)-this.now;return o`
      <li>
        <a
          class="row-link"
          href="${U}/request/${encodeURIComponent(t.request_id)}"
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
          <span class="when" title=${`${P(t.start)} – ${P(t.end)}`}>
            ${C(this.hass,t.start)}
            <span class="muted">${e("window_length",{duration:G((y(t.end)-y(t.start))/1e3)})}</span>
          </span>
          <span class="state">
            ${i?a>0?o`<span class="deadline">${e("time_left",{span:gt(this.hass,a)})}</span>`:o`<span class="deadline">${e("deadline_passed")}</span>`:t.decided_by?o`<span class="muted">${e(`decided_by_${t.decided_by}`)}</span>`:c}
            ${t.progress?o`<span class="muted">${t.progress}</span>`:c}
          </span>
          <span class="flags">
            ${t.problems.length?o`<span class="badge problems"
                  >${e("problem_count",{count:t.problems.length})}</span
                >`:c}
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
    `}render(){let t=this.t,e=this.list,i=e?.requests.filter(n=>n.status==="pending")??[],a=e?.requests.filter(n=>n.status!=="pending")??[];return o`
      <div class="filters card">
        <label
          >${t("filter_status")}
          <select @change=${this.setStatus} .value=${this.status} name="status">
            <option value="">${t("filter_all")}</option>
            ${He.map(n=>o`<option value=${n} ?selected=${n===this.status}>${t(`status_${n}`)}</option>`)}
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
      ${this.error?o`<p class="error">${this.error}</p>`:c}
      ${e&&e.requests.length===0?o`<p class="card empty">${t("inbox_empty")}</p>`:c}
      ${i.length?o`<section class="card">
            <h2>${t("inbox_pending")}</h2>
            <ul class="requests pending">
              ${i.map(n=>this.renderRow(n))}
            </ul>
          </section>`:c}
      ${a.length?o`<section class="card">
            <h2>${t("inbox_decided")}</h2>
            <ul class="requests decided">
              ${a.map(n=>this.renderRow(n))}
            </ul>
          </section>`:c}
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
          </div>`:c}
    `}};T.styles=[w,v`
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
    `],d([g({attribute:!1})],T.prototype,"hass",2),d([g({attribute:!1})],T.prototype,"t",2),d([g({attribute:!1})],T.prototype,"change",2),d([p()],T.prototype,"list",2),d([p()],T.prototype,"status",2),d([p()],T.prototype,"agency",2),d([p()],T.prototype,"offset",2),d([p()],T.prototype,"error",2),d([p()],T.prototype,"now",2),T=d([_("dv-inbox")],T);var St=v`
  /* A spinner beside a step under way (a preview rendering, a package building). */
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
`,Et=v`
  /* Two columns (the picture, its controls) side by side, one column on a phone. */
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
`,it=v`
  fieldset {
    border: 1px solid var(--dv-border);
    border-radius: 8px;
    margin: 0 0 12px;
  }
  label.check {
    display: flex;
    gap: 8px;
    align-items: center;
    min-height: 40px;
  }
  button[aria-pressed="true"],
  button[aria-selected="true"] {
    border-color: var(--dv-accent);
    box-shadow: inset 0 0 0 1px var(--dv-accent);
  }
`;var M=class extends ${constructor(){super(...arguments);this.windowStart=0;this.windowEnd=0;this.trimStart=0;this.trimEnd=0;this.position=0;this.playing=!1;this.muted=!0;this.pieces=[];this.current=-1;this.signed=new Map;this.base=0;this.pendingOffset=0}willUpdate(t){if(t.has("camera")||t.has("windowStart")||t.has("windowEnd")){let e=this.pieces.map(i=>i.url).join();this.pieces=(this.camera?.segments??[]).map(i=>({start:y(i.start),end:y(i.end),url:i.url})).filter(i=>i.end>i.start&&i.end>this.windowStart&&i.start<this.windowEnd).sort((i,a)=>i.start-a.start),(e!==this.pieces.map(i=>i.url).join()||!this.position)&&(this.playing||(this.position=this.pieces.length?Math.max(this.windowStart,this.pieces[0].start):this.windowStart))}}updated(){if(this.current<0&&this.video&&this.pieces.length&&!this.error){let t=this.pieceAt(this.position);t>=0&&this.load(t,Math.max(this.position,this.pieces[t].start))}}get span(){return Math.max(1,this.windowEnd-this.windowStart)}pct(t){return(Math.min(Math.max(t,this.windowStart),this.windowEnd)-this.windowStart)/this.span*100}pieceAt(t){let e=this.pieces.findIndex(i=>i.start<=t&&t<i.end);return e>=0?e:this.pieces.findIndex(i=>i.start>t)}async url(t){let e=this.signed.get(t.url);return e||(e=await kt(this.hass,t.url,6*3600),this.signed.set(t.url,e)),e}async load(t,e){let i=this.video;if(!i||t<0)return;let a=this.pieces[t];if(this.pendingOffset=Math.max(0,e-a.start)/1e3,this.current===t&&i.readyState>=1){i.currentTime=this.base+this.pendingOffset;return}this.current=t;try{i.src=await this.url(a)}catch(n){this.error=String(n.message??n)}}onLoadedMetadata(){let t=this.video;t&&(this.base=t.seekable.length?t.seekable.start(0):0,t.currentTime=this.base+this.pendingOffset,this.playing&&t.play().catch(e=>this.onPlayError(e)))}onPlayError(t){t.name!=="AbortError"&&(this.error=String(t.message??t),this.playing=!1)}onTimeUpdate(){let t=this.video;if(!t||this.current<0)return;let e=this.pieces[this.current];this.position=e.start+(t.currentTime-this.base)*1e3,this.position>=this.windowEnd&&(t.pause(),this.playing=!1,this.position=this.windowEnd)}onEnded(){let t=this.current+1;t<this.pieces.length&&this.pieces[t].start<this.windowEnd?this.load(t,this.pieces[t].start):(this.playing=!1,this.position=this.windowEnd)}onError(){let t=this.video?.error;this.error=this.t("player_error",{code:t?.code??0,message:t?.message??""}),this.playing=!1}toggle(){let t=this.video;if(!t||!this.pieces.length)return;if(this.playing){t.pause(),this.playing=!1;return}this.error=void 0,this.playing=!0;let e=this.position>=this.windowEnd-500?this.windowStart:this.position,i=this.pieceAt(e);if(i<0){this.playing=!1;return}e=Math.max(e,this.pieces[i].start),this.current===i&&t.readyState>=1?(t.currentTime=this.base+(e-this.pieces[i].start)/1e3,t.play().catch(a=>this.onPlayError(a))):this.load(i,e)}seek(t){let e=Math.min(Math.max(t,this.windowStart),this.windowEnd);this.position=e;let i=this.pieceAt(e);i<0||this.load(i,Math.max(e,this.pieces[i].start))}onTrackPointer(t){let i=t.currentTarget.getBoundingClientRect(),a=Math.min(Math.max((t.clientX-i.left)/i.width,0),1);this.seek(this.windowStart+a*this.span)}onTrackKey(t){let e={ArrowLeft:-5e3,ArrowRight:5e3,PageDown:-6e4,PageUp:6e4};t.key in e?(t.preventDefault(),this.seek(this.position+e[t.key])):t.key==="Home"?(t.preventDefault(),this.seek(this.windowStart)):t.key==="End"&&(t.preventDefault(),this.seek(this.windowEnd))}toggleMute(){this.muted=!this.muted,this.video&&(this.video.muted=this.muted)}render(){let t=this.t;if(!this.camera.has_footage||!this.pieces.length)return o`<div class="none" data-footage="none">${t("no_footage")}</div>`;let e=(this.camera.gaps??[]).map(a=>({start:y(a.start),end:y(a.end)})),i=(this.position-this.windowStart)/1e3;return o`
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
        aria-valuenow=${Math.round(i)}
        aria-valuetext=${ut(this.hass,this.position)}
        @pointerdown=${this.onTrackPointer}
        @keydown=${this.onTrackKey}
      >
        ${this.pieces.map(a=>o`<span
              class="footage"
              style="left:${this.pct(a.start)}%;width:${this.pct(a.end)-this.pct(a.start)}%"
            ></span>`)}
        ${e.map(a=>o`<span
              class="gap"
              title=${t("gap",{from:ut(this.hass,a.start),to:ut(this.hass,a.end)})}
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
        <span class="clock" title=${P(F(this.position))}
          >${G(i)} / ${G(this.span/1e3)} ·
          ${ut(this.hass,this.position)}</span
        >
        <button class="mute" @click=${this.toggleMute}>${this.muted?t("unmute"):t("mute")}</button>
        ${e.length?o`<span class="muted">${t("gaps",{count:e.length})}</span>`:c}
      </div>
      ${this.error?o`<p class="error media-error">${this.error}</p>`:c}
    `}};M.styles=[w,v`
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
    `],d([g({attribute:!1})],M.prototype,"hass",2),d([g({attribute:!1})],M.prototype,"t",2),d([g({attribute:!1})],M.prototype,"camera",2),d([g({type:Number})],M.prototype,"windowStart",2),d([g({type:Number})],M.prototype,"windowEnd",2),d([g({type:Number})],M.prototype,"trimStart",2),d([g({type:Number})],M.prototype,"trimEnd",2),d([p()],M.prototype,"position",2),d([p()],M.prototype,"playing",2),d([p()],M.prototype,"muted",2),d([p()],M.prototype,"error",2),d([wt("video")],M.prototype,"video",2),M=d([_("dv-player")],M);function ds(r){let s=/(\d{1,3}(?:[.,]\d+)?)\s*%/.exec(r);if(!s)return;let t=Number(s[1].replace(",","."));return t>=0&&t<=100?t:void 0}function Yt(r,s){let t=ds(s);return o`<div class="progress" role="status" data-progress=${s}>
    <p><span class="spinner"></span> ${r("building",{progress:s})}</p>
    ${t===void 0?c:o`<progress max="100" .value=${t} aria-label=${r("building",{progress:s})}></progress>`}
  </div>`}function At(r,s){return r.callWS({type:"doorbell_vault/cameras/masks",camera_id:s})}async function qe(r,s,t){return(await r.callWS({type:"doorbell_vault/cameras/masks/set",camera_id:s,masks:t})).masks}function Le(r,s,t,e){return r.callWS({type:"doorbell_vault/requests/redaction_preview",request_id:s,camera_id:t,...e})}async function Ue(r){let s=await r.callWS({type:"config_entries/get",domain:"doorbell_vault"}),t=[];for(let e of s){let i=await r.callWS({type:"config_entries/subentries/list",entry_id:e.entry_id});for(let a of i)a.subentry_type==="camera"&&t.push({camera_id:a.subentry_id,name:a.title})}return t}function Mt(r,s,t,e,i){return Oe.map(a=>o`<label class="check"
      ><input
        type="radio"
        name=${s}
        .value=${a}
        .checked=${t===a}
        ?disabled=${e(a)}
        @change=${()=>i(a)}
      />
      <span>${r(`mode_${a}`)}</span></label
    >`)}var ls=32,cs=5,hs=14,Tt=.01,Pt=.01,Ne=r=>Math.min(1,Math.max(0,r)),N=r=>Math.round(r*1e4)/1e4;function Qt(r){if(r.shape==="polygon")return r.points;let[[s,t],[e,i]]=r.points,[a,n,l,h]=[Math.min(s,e),Math.max(s,e),Math.min(t,i),Math.max(t,i)];return[[a,l],[n,l],[n,h],[a,h]]}function Ct(r){return r?.width&&r.height?r.width/r.height:16/9}function rt(r,s,t){return s.label||r("region_name",{number:t+1})}var Rt=r=>r.map(([s,t])=>`${s},${t}`).join(" ");function ps(r,s,t){let e=r.map(([l])=>l),i=r.map(([,l])=>l),a=Math.min(Math.max(s,-Math.min(...e)),1-Math.max(...e)),n=Math.min(Math.max(t,-Math.min(...i)),1-Math.max(...i));return r.map(([l,h])=>[N(l+a),N(h+n)])}function us(r,s,t){let e=r.points.map(([E])=>E),i=r.points.map(([,E])=>E),[a,n,l,h]=[Math.min(...e),Math.min(...i),Math.max(...e),Math.max(...i)],u=Math.max(Tt,Math.min(l-a+s,1-a)),f=Math.max(Tt,Math.min(h-n+t,1-n)),m=l>a?u/(l-a):1,x=h>n?f/(h-n):1;return r.points.map(([E,j])=>[N(a+(E-a)*m),N(n+(j-n)*x)])}var R=class extends ${constructor(){super(...arguments);this.src="";this.aspect=16/9;this.regions=[];this.tool="rect";this.label="";this.disabled=!1;this.draft=[]}finish(){this.tool!=="polygon"||this.draft.length<3||(this.emit("dv-draw",{shape:"polygon",points:this.draft.map(([t,e])=>[N(t),N(e)])}),this.draft=[])}cancel(){this.draft=[],this.pressed=void 0}emit(t,e){this.dispatchEvent(new CustomEvent(t,{detail:e}))}at(t){let e=t.currentTarget.getBoundingClientRect(),i=t.clientX-e.left,a=t.clientY-e.top;return{at:[Ne(i/e.width),Ne(a/e.height)],x:i,y:a}}onDown(t){if(this.disabled||t.button!==0)return;let i=t.target.closest("[data-region-id]")?.getAttribute("data-region-id")??void 0;this.pressed={...this.at(t),region:i};let a=t.currentTarget;a.setPointerCapture(t.pointerId),a.focus({preventScroll:!0}),this.tool==="rect"&&(this.draft=[this.pressed.at,this.pressed.at]),t.preventDefault()}onMove(t){let e=this.at(t);this.hover=e.at,this.pressed&&this.tool==="rect"&&(this.draft=[this.pressed.at,e.at])}onUp(t){let e=this.pressed;if(this.pressed=void 0,!e||this.disabled)return;let i=this.at(t),a=Math.hypot(i.x-e.x,i.y-e.y)<cs;if(this.tool==="rect"){if(this.draft=[],a){this.emit("dv-select",{id:e.region});return}let[[h,u],[f,m]]=[e.at,i.at];if(Math.abs(f-h)<Tt||Math.abs(m-u)<Tt)return;this.emit("dv-draw",{shape:"rect",points:[[N(Math.min(h,f)),N(Math.min(u,m))],[N(Math.max(h,f)),N(Math.max(u,m))]]});return}if(!a)return;if(!this.draft.length&&e.region){this.emit("dv-select",{id:e.region});return}let n=t.currentTarget.getBoundingClientRect(),l=this.draft[0];if(l&&this.draft.length>=3&&Math.hypot((l[0]-i.at[0])*n.width,(l[1]-i.at[1])*n.height)<hs){this.finish();return}this.draft=[...this.draft,i.at],this.draft.length>=ls&&this.finish()}onKey(t){if(t.key==="Escape"&&this.draft.length){this.cancel(),t.preventDefault();return}if(t.key==="Enter"&&this.draft.length){this.finish(),t.preventDefault();return}let e=this.regions.find(l=>l.id===this.selected);if(!e||this.disabled)return;if(t.key==="Delete"||t.key==="Backspace"){this.emit("dv-delete",{id:e.id}),t.preventDefault();return}let a={ArrowLeft:[-Pt,0],ArrowRight:[Pt,0],ArrowUp:[0,-Pt],ArrowDown:[0,Pt]}[t.key];if(!a)return;let n=t.shiftKey?us(e,...a):ps(e.points,...a);this.emit("dv-change",{id:e.id,points:n}),t.preventDefault()}onRegionKey(t,e){(t.key==="Enter"||t.key===" ")&&!this.draft.length&&(this.emit("dv-select",{id:e}),t.preventDefault(),t.stopPropagation())}renderDraft(){if(!this.draft.length)return c;if(this.tool==="rect"){let e=Qt({shape:"rect",points:this.draft});return q`<polygon class="draft" points=${Rt(e)}></polygon>`}let t=this.hover?[...this.draft,this.hover]:this.draft;return q`<polyline class="draft" points=${Rt(t)}></polyline>
      ${this.draft.map(([e,i],a)=>q`<circle class=${a===0?"corner first":"corner"} cx=${e} cy=${i} r="0.008"></circle>`)}`}render(){let t=this.t,e=this.regions.filter(i=>i.kind==="blur"||i.kind==="box");return o`
      <div class="frame" style=${`aspect-ratio: ${this.aspect}`}>
        ${this.src?o`<img src=${this.src} alt="" draggable="false" />`:o`<div class="no-still"></div>`}
        <svg
          viewBox="0 0 1 1"
          preserveAspectRatio="none"
          tabindex="0"
          role="application"
          aria-label=${this.label}
          aria-disabled=${this.disabled?"true":"false"}
          class=${`tool-${this.tool}`}
          @pointerdown=${this.onDown}
          @pointermove=${this.onMove}
          @pointerup=${this.onUp}
          @pointerleave=${()=>this.hover=void 0}
          @keydown=${this.onKey}
        >
          <defs>
            <filter id="soften" x="-0.05" y="-0.05" width="1.1" height="1.1">
              <feGaussianBlur stdDeviation="0.012"></feGaussianBlur>
            </filter>
            ${e.map(i=>q`<clipPath id=${`clip-${i.id}`}><polygon points=${Rt(Qt(i))}></polygon></clipPath>`)}
          </defs>
          ${this.src?e.map(i=>q`<image href=${this.src} x="0" y="0" width="1" height="1" preserveAspectRatio="none"
                  filter="url(#soften)" clip-path=${`url(#clip-${i.id})`}></image>`):c}
          ${this.regions.map(i=>q`<polygon
              class=${`region ${i.kind}${i.id===this.selected?" selected":""}`}
              data-region-id=${i.id}
              points=${Rt(Qt(i))}
              tabindex="0"
              role="button"
              aria-label=${i.name}
              aria-pressed=${i.id===this.selected?"true":"false"}
              @keydown=${a=>this.onRegionKey(a,i.id)}
              @focus=${()=>i.id!==this.selected&&this.emit("dv-select",{id:i.id})}
            ><title>${i.name}</title></polygon>`)}
          ${this.renderDraft()}
        </svg>
      </div>
      <p class="hint muted">
        ${this.tool==="rect"?t("canvas_hint_rect"):t("canvas_hint_polygon")} ${t("canvas_hint_keys")}
      </p>
      ${this.tool==="polygon"&&this.draft.length?o`<div class="row drafting">
            <button class="finish primary" ?disabled=${this.draft.length<3} @click=${()=>this.finish()}>
              ${t("canvas_finish")}
            </button>
            <button class="cancel-draft" @click=${()=>this.cancel()}>${t("cancel")}</button>
            <span class="muted">${t("canvas_corners",{count:this.draft.length})}</span>
          </div>`:c}
    `}};R.styles=[w,v`
      .frame {
        position: relative;
        width: 100%;
        background: #222;
        border-radius: 8px;
        overflow: hidden;
        user-select: none;
        touch-action: none;
      }
      img,
      .no-still {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        object-fit: fill;
      }
      svg {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        cursor: crosshair;
        outline: none;
      }
      svg:focus-visible {
        box-shadow: inset 0 0 0 3px var(--dv-accent);
      }
      .region {
        vector-effect: non-scaling-stroke;
        stroke-width: 2;
        cursor: pointer;
        outline: none;
      }
      .region.blur {
        fill: rgba(3, 169, 244, 0.15);
        stroke: #03a9f4;
      }
      .region.box {
        fill: rgba(255, 166, 0, 0.15);
        stroke: #ffa600;
      }
      .region.black {
        fill: #000;
        fill-opacity: 0.85;
        stroke: #fff;
      }
      .region.clear {
        fill: rgba(67, 160, 71, 0.12);
        stroke: #43a047;
        stroke-dasharray: 6 4;
      }
      .region.selected,
      .region:focus-visible {
        stroke-width: 4;
        stroke: #ffeb3b;
      }
      .draft {
        fill: rgba(255, 255, 255, 0.15);
        stroke: #fff;
        stroke-width: 2;
        stroke-dasharray: 4 3;
        vector-effect: non-scaling-stroke;
      }
      polyline.draft {
        fill: none;
      }
      .corner {
        fill: #fff;
        stroke: #000;
        stroke-width: 1;
        vector-effect: non-scaling-stroke;
      }
      .corner.first {
        fill: #ffeb3b;
      }
      .hint {
        font-size: 0.85rem;
        margin: 6px 0;
      }
    `],d([g({attribute:!1})],R.prototype,"t",2),d([g()],R.prototype,"src",2),d([g({type:Number})],R.prototype,"aspect",2),d([g({attribute:!1})],R.prototype,"regions",2),d([g({attribute:!1})],R.prototype,"selected",2),d([g()],R.prototype,"tool",2),d([g()],R.prototype,"label",2),d([g({type:Boolean})],R.prototype,"disabled",2),d([p()],R.prototype,"draft",2),d([p()],R.prototype,"hover",2),R=d([_("dv-region-canvas")],R);var J=class extends ${constructor(){super(...arguments);this.playing=!1}willUpdate(t){t.has("preview")&&(this.playing=!1)}lead(t){return t.classList.contains("original")?this.preview.original_lead_s??0:0}get videos(){return[...this.renderRoot.querySelectorAll("video")]}onMetadata(t){let e=t.target,i=this.lead(e);i>0&&e.currentTime<i&&(e.currentTime=i)}playBoth(){let t=this.videos;if(this.playing){for(let a of t)a.pause();this.playing=!1;return}let e=t.find(a=>a.classList.contains("redacted")),i=e&&!e.ended?e.currentTime:0;for(let a of t)a.currentTime=i+this.lead(a),a.play().catch(()=>{});this.playing=!0}renderVideo(t,e,i){return o`<figure>
      <figcaption>${i}</figcaption>
      <video
        class=${t}
        src=${e}
        muted
        playsinline
        preload="auto"
        @loadedmetadata=${this.onMetadata}
        @ended=${()=>this.playing=!1}
        @click=${()=>this.playBoth()}
      ></video>
    </figure>`}render(){let t=this.t,e=this.preview;return o`<div class="side-by-side" data-faces=${e.faces}>
        ${this.renderVideo("original",e.original_url,t("redaction_original"))}
        ${this.renderVideo("redacted",e.redacted_url,t("redaction_redacted"))}
      </div>
      <div class="row">
        <button class="play-both primary" @click=${()=>this.playBoth()}>
          ${this.playing?t("pause"):t("redaction_play_both")}
        </button>
      </div>
      <p class="muted preview-note">
        ${t("redaction_preview_note",{seconds:Math.round(e.seconds),faces:e.faces})}
      </p>`}};J.styles=[w,v`
      .side-by-side {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(160px, 1fr));
        gap: 8px;
        margin: 8px 0;
      }
      figure {
        margin: 0;
      }
      figcaption {
        font-size: 0.85rem;
        color: var(--dv-muted);
        margin-bottom: 4px;
      }
      video {
        width: 100%;
        background: #000;
        border-radius: 6px;
        cursor: pointer;
      }
    `],d([g({attribute:!1})],J.prototype,"t",2),d([g({attribute:!1})],J.prototype,"preview",2),d([p()],J.prototype,"playing",2),J=d([_("dv-side-by-side")],J);var Vt=64,Ie=r=>r.map(({camera_id:s,points:t})=>({camera_id:s,points:t})),k=class extends ${constructor(){super(...arguments);this.cameras=[];this.disabled=!1;this.info={};this.choice="standing";this.boxes=[];this.previewing=!1;this.serial=0;this.boxNumber=0;this.camerasKey="";this.asked=new Set}willUpdate(t){let e=this.cameras.map(i=>i.camera_id).join(`
`);if(t.has("cameras")&&e!==this.camerasKey){this.camerasKey=e,this.preview=void 0;for(let i of this.cameras)this.asked.has(i.camera_id)||this.load(i.camera_id);this.cameras.some(i=>i.camera_id===this.current)||(this.current=this.cameras[0]?.camera_id)}(t.has("start")||t.has("end"))&&(this.preview=void 0)}load(t){this.asked.add(t),At(this.hass,t).then(e=>this.info={...this.info,[t]:e}).catch(e=>{this.asked.delete(t),this.loadError=S(e)})}get redaction(){let t=new Set(this.cameras.map(i=>i.camera_id)),e=this.choice==="originals"?[]:Ie(this.boxes.filter(i=>t.has(i.camera_id)));return this.choice==="standing"?e.length?{boxes:e}:void 0:{mode:this.choice,boxes:e}}announce(){this.preview=void 0,this.dispatchEvent(new CustomEvent("dv-redaction",{detail:{redaction:this.redaction}}))}get detector(){return Object.values(this.info)[0]?.detector}modeOf(t){if(this.choice!=="standing")return this.choice;let e=this.info[t]?.masks.standing;return e==="originals"&&this.boxes.some(i=>i.camera_id===t)?"masks":e}pick(t){this.choice=t,this.announce()}onDraw(t){if(!this.current||this.boxes.length>=Vt||t.detail.shape!=="rect")return;this.boxNumber+=1;let e=`box-${this.boxNumber}`,[i,a]=t.detail.points;this.boxes=[...this.boxes,{id:e,camera_id:this.current,points:[i,a]}],this.selectedBox=e,this.announce()}removeBox(t){this.boxes=this.boxes.filter(e=>e.id!==t),this.selectedBox===t&&(this.selectedBox=void 0),this.announce()}moveBox(t,e){this.boxes=this.boxes.map(i=>i.id===t?{...i,points:[e[0],e[1]]}:i),this.announce()}async runPreview(t){let e=this.modeOf(t);if(!e||e==="originals")return;this.previewing=!0,this.previewError=void 0,this.preview=void 0;let i=++this.serial;try{let a=await Le(this.hass,this.requestId,t,{...this.start?{start:this.start}:{},...this.end?{end:this.end}:{},redaction:{mode:e,boxes:Ie(this.boxes.filter(n=>n.camera_id===t))}});i===this.serial&&(this.preview={...a,camera_id:t})}catch(a){i===this.serial&&(this.previewError=S(a))}finally{i===this.serial&&(this.previewing=!1)}}editMasks(t,e){t.preventDefault(),L(et(e))}renderChoice(){let t=this.t,e=this.detector,i=e?.available??!1,a=this.cameras.map(n=>`${n.name}: ${this.info[n.camera_id]?t(`mode_short_${this.info[n.camera_id].masks.standing}`):"…"}`);return o`
      <label class="check"
        ><input
          type="radio"
          name="redaction"
          value="standing"
          .checked=${this.choice==="standing"}
          ?disabled=${this.disabled}
          @change=${()=>this.pick("standing")}
        />
        <span>${t("redaction_standing")} <span class="muted standing-summary">(${a.join("; ")})</span></span></label
      >
      ${Mt(t,"redaction",this.choice,n=>this.disabled||n==="masks_faces"&&!i,n=>this.pick(n))}
      ${e&&!i?o`<p class="muted detector unavailable">${t("detector_unavailable",{reason:e.reason??""})}</p>`:c}
      ${this.choice==="masks_faces"?o`<p class="muted">${t("faces_caveat")}</p>`:c}
    `}renderCamera(t){let e=this.t,i=this.info[t];if(!i)return o`<p class="muted">${e("loading")}</p>`;let a=this.modeOf(t)??"originals",n=this.choice!=="originals",l=this.choice==="originals"?[]:[...i.masks.regions.map((m,x)=>({id:`mask-${m.id}`,shape:m.shape,points:m.points,kind:m.action,name:rt(e,m,x)})),...i.masks.clear.map((m,x)=>({id:`clear-${m.id}`,shape:m.shape,points:m.points,kind:"clear",name:e("region_with_kind",{name:rt(e,m,x),kind:e("region_clear")})}))],h=this.boxes.filter(m=>m.camera_id===t),u=[...l,...h.map((m,x)=>({id:m.id,shape:"rect",points:m.points,kind:"box",name:e("box_name",{number:x+1})}))],f=this.preview?.camera_id===t?this.preview:void 0;return o`
      <p class="muted camera-mode" data-mode=${a}>
        ${e("redaction_camera_mode",{camera:i.name,mode:e(`mode_${a}`)})}
        <a class="edit-masks" href=${et(t)}
          @click=${m=>this.editMasks(m,t)}>${e("edit_masks")}</a>
      </p>
      ${n?o`<p class="muted">${e("boxes_help")}</p>`:c}
      ${this.boxes.length>=Vt?o`<p class="muted boxes-full" role="status">${e("boxes_full",{max:Vt})}</p>`:c}
      <dv-region-canvas
        .t=${e}
        .src=${i.still?.url??""}
        .aspect=${Ct(i.still)}
        .regions=${u}
        .selected=${this.selectedBox}
        tool="rect"
        .disabled=${!n||this.disabled}
        .label=${e("boxes_label",{camera:i.name})}
        @dv-draw=${this.onDraw}
        @dv-select=${m=>this.selectedBox=m.detail.id?.startsWith("box-")?m.detail.id:void 0}
        @dv-change=${m=>m.detail.id.startsWith("box-")&&this.moveBox(m.detail.id,m.detail.points)}
        @dv-delete=${m=>m.detail.id.startsWith("box-")&&this.removeBox(m.detail.id)}
      ></dv-region-canvas>
      ${h.length?o`<ul class="row boxes">
            ${h.map((m,x)=>o`<li>
                <button class="remove-box" @click=${()=>this.removeBox(m.id)}>
                  ${e("remove_box",{number:x+1})}
                </button>
              </li>`)}
          </ul>`:c}
      <div class="row actions">
        <button
          class="redaction-preview"
          ?disabled=${this.previewing||a==="originals"}
          @click=${()=>{this.runPreview(t)}}
        >
          ${e("redaction_preview")}
        </button>
        ${a==="originals"?o`<span class="muted">${e("redaction_preview_originals")}</span>`:c}
        ${this.previewing?o`<span class="muted previewing" role="status"><span class="spinner"></span> ${e("redaction_rendering")}</span>`:c}
      </div>
      ${this.previewError?o`<p class="error preview-error" role="alert">${this.previewError}</p>`:c}
      ${f?o`<dv-side-by-side .t=${e} .preview=${f}></dv-side-by-side>`:c}
    `}render(){let t=this.t,e=this.cameras.find(i=>i.camera_id===this.current);return o`<fieldset class="redaction">
      <legend>${t("redaction_legend")}</legend>
      ${this.renderChoice()}
      ${this.loadError?o`<p class="error">${this.loadError}</p>`:c}
      ${this.cameras.length>1?o`<div class="row camera-pick" role="tablist" aria-label=${t("redaction_cameras")}>
            ${this.cameras.map(i=>o`<button
                role="tab"
                aria-selected=${i.camera_id===this.current}
                data-camera=${i.camera_id}
                @click=${()=>this.current=i.camera_id}
              >
                ${i.name}
              </button>`)}
          </div>`:c}
      ${e?this.renderCamera(e.camera_id):c}
    </fieldset>`}};k.styles=[w,St,it,v`
      .camera-pick {
        margin: 8px 0;
      }
      ul.boxes {
        list-style: none;
        padding: 0;
        margin: 4px 0;
      }
      .edit-masks {
        color: var(--dv-accent);
        margin-left: 6px;
      }
    `],d([g({attribute:!1})],k.prototype,"hass",2),d([g({attribute:!1})],k.prototype,"t",2),d([g({attribute:!1})],k.prototype,"requestId",2),d([g({attribute:!1})],k.prototype,"cameras",2),d([g({attribute:!1})],k.prototype,"start",2),d([g({attribute:!1})],k.prototype,"end",2),d([g({type:Boolean})],k.prototype,"disabled",2),d([p()],k.prototype,"info",2),d([p()],k.prototype,"loadError",2),d([p()],k.prototype,"choice",2),d([p()],k.prototype,"boxes",2),d([p()],k.prototype,"selectedBox",2),d([p()],k.prototype,"current",2),d([p()],k.prototype,"preview",2),d([p()],k.prototype,"previewing",2),d([p()],k.prototype,"previewError",2),k=d([_("dv-redaction-choice")],k);function Dt(r){let{share:s,...t}=r;return t}function te(r){return typeof r=="string"?r:typeof r=="number"||typeof r=="boolean"?String(r):JSON.stringify(r)}var ms=new Set(["agency","case_number","legal_basis","requester_name","requester_email","reason","latitude","longitude","radius_m","start","end"]),b=class extends ${constructor(){super(...arguments);this.narrow=!1;this.busy=!1;this.excluded=new Set;this.trimStart=0;this.trimEnd=0;this.includeAudio=!1;this.hours="";this.maxDownloads="";this.previewing=!1;this.declineMessage="";this.copied=!1;this.confirmRevoke=!1;this.now=Date.now();this.previewSerial=0;this.loadSerial=0}connectedCallback(){super.connectedCallback(),this.timer=window.setInterval(()=>this.now=Date.now(),1e3)}disconnectedCallback(){super.disconnectedCallback(),window.clearInterval(this.timer),window.clearTimeout(this.previewTimer)}willUpdate(t){t.has("requestId")&&(this.detail=void 0,this.shareResult=void 0,this.preview=void 0,this.excluded=new Set,this.includeAudio=!1,this.redaction=void 0,this.declineMessage="",this.confirmRevoke=!1,this.load(!0)),t.has("change")&&!t.has("requestId")&&this.change?.request.request_id===this.requestId&&(this.detail&&(this.detail={...this.detail,...this.change.request}),this.load(!1))}load(t,e=0){let i=++this.loadSerial;ye(this.hass,this.requestId).then(a=>{i===this.loadSerial&&(this.detail=a,this.error=void 0,t&&(this.trimStart=y(a.start),this.trimEnd=y(a.end),this.excluded=new Set(a.cameras.filter(n=>!n.has_footage).map(n=>n.camera_id)),a.status==="pending"&&this.schedulePreview(0)))}).catch(a=>{i===this.loadSerial&&(e<5?window.setTimeout(()=>{i===this.loadSerial&&this.load(t,e+1)},1e3):this.error=S(a))})}get chosenFootage(){return(this.detail?.cameras??[]).filter(t=>!this.excluded.has(t.camera_id))}get chosenCameras(){return this.chosenFootage.map(t=>t.camera_id)}selection(){let t=this.detail,e={cameras:this.chosenCameras,include_audio:this.includeAudio};return this.trimStart>y(t.start)&&(e.start=F(this.trimStart)),this.trimEnd<y(t.end)&&(e.end=F(this.trimEnd)),this.redaction&&(e.redaction=this.redaction),e}schedulePreview(t=350){window.clearTimeout(this.previewTimer),this.previewTimer=window.setTimeout(()=>this.runPreview(),t)}runPreview(){if(!this.detail||this.detail.status!=="pending")return;let t=++this.previewSerial;this.previewing=!0,xe(this.hass,this.requestId,this.selection()).then(e=>{t===this.previewSerial&&(this.preview=e,this.previewError=void 0)}).catch(e=>{t===this.previewSerial&&(this.preview=void 0,this.previewError=S(e))}).finally(()=>{t===this.previewSerial&&(this.previewing=!1)})}toggleCamera(t,e){let i=e.target.checked,a=new Set(this.excluded);i?a.delete(t):a.add(t),this.excluded=a,this.schedulePreview()}onTrim(t,e){let i=this.detail,a=e.target,n=y(i.start),l=y(i.end),h=n+Number(a.value)*1e3;t==="start"?(this.trimStart=Math.min(Math.max(h,n),this.trimEnd-1e3),a.value=String((this.trimStart-n)/1e3)):(this.trimEnd=Math.max(Math.min(h,l),this.trimStart+1e3),a.value=String((this.trimEnd-n)/1e3)),this.schedulePreview()}async doShare(){let t=this.selection(),e=Number(this.hours),i=Number(this.maxDownloads);this.hours&&e>0&&(t.expires_in_hours=Math.round(e)),this.maxDownloads&&i>0&&(t.max_downloads=Math.round(i)),await this.act(async()=>{let a=await _e(this.hass,this.requestId,t);a.share&&(this.shareResult=a.share),this.detail={...this.detail,...Dt(a)}})}async doDecline(t){await this.act(async()=>{let e=await we(this.hass,this.requestId,this.declineMessage,t);this.detail={...this.detail,...Dt(e)}})}async doRevoke(){this.confirmRevoke=!1,await this.act(async()=>{let t=await ke(this.hass,this.requestId);this.detail={...this.detail,...Dt(t)}})}async act(t){this.busy=!0,this.actionError=void 0;try{await t(),this.load(!1)}catch(e){this.actionError=S(e)}finally{this.busy=!1}}async copyLink(){let t=this.shareResult?.share_url;if(t){try{await navigator.clipboard.writeText(t)}catch{this.renderRoot.querySelector("input.share-url")?.select(),document.execCommand("copy")}this.copied=!0}}back(t){t.preventDefault(),L(U)}renderFacts(t){let e=this.t,i=t.fields,a=u=>u==null||u===""?"—":te(u),n=typeof i.radius_m=="number"?i.radius_m:null,l=Object.entries(i).filter(([u,f])=>!ms.has(u)&&f!==null),h=y(t.deadline)-this.now;return o`
      <dl class="facts">
        <dt>${e("field_agency")}</dt>
        <dd class="agency">${t.agency}</dd>
        <dt>${e("field_case_number")}</dt>
        <dd>${a(t.case_number)}</dd>
        <dt>${e("field_legal_basis")}</dt>
        <dd>${t.legal_basis?e(`legal_basis_${t.legal_basis}`):"—"}</dd>
        <dt>${e("field_requester")}</dt>
        <dd>${a(i.requester_name)}${i.requester_email?o` · <span>${te(i.requester_email)}</span>`:c}</dd>
        <dt>${e("field_reason")}</dt>
        <dd class="reason">${a(i.reason)}</dd>
        <dt>${e("field_window")}</dt>
        <dd class="window" title=${`${P(t.start)} – ${P(t.end)}`}>
          ${C(this.hass,t.start)} – ${C(this.hass,t.end)}
          <span class="muted">(${G((y(t.end)-y(t.start))/1e3)})</span>
        </dd>
        <dt>${e("field_area")}</dt>
        <dd class="area">
          ${t.distance_m===null?e("area_unknown"):e("area_text",{distance:Zt(this.hass,t.distance_m),radius:n===null?"—":Zt(this.hass,n)})}
          ${t.home_in_area===null?c:o`<span class="badge ${t.home_in_area?"":"unverified"}"
                >${t.home_in_area?e("home_in_area"):e("home_outside_area")}</span
              >`}
        </dd>
        <dt>${e("field_received")}</dt>
        <dd title=${P(t.received)}>
          ${C(this.hass,t.received)} · ${e(`source_${t.source}`)}
          <span
              class="badge ${t.verified?"verified":"unverified"}"
              data-verified=${String(t.verified)}
              title=${t.verified?e("verified_help"):e("unverified_help")}
            >${t.verified?e("verified"):e("unverified")}</span
          >
        </dd>
        <dt>${e("field_deadline")}</dt>
        <dd title=${P(t.deadline)}>
          ${C(this.hass,t.deadline)}
          ${t.status==="pending"?o`<strong class="deadline"
                >${h>0?e("time_left",{span:gt(this.hass,h)}):e("deadline_passed")}</strong
              >`:c}
        </dd>
        ${t.decided_by?o`<dt>${e("field_decided_by")}</dt>
              <dd>${e(`decided_by_${t.decided_by}`)}</dd>`:c}
        ${t.message?o`<dt>${e("field_message")}</dt>
              <dd class="message">${t.message}</dd>`:c}
        ${l.map(([u,f])=>o`<dt>${u}</dt>
            <dd>${te(f)}</dd>`)}
      </dl>
      ${t.problems.length?o`<div class="problems">
            <h3>${e("problems")}</h3>
            <ul>
              ${t.problems.map(u=>o`<li data-problem=${u}>${e(`problem_${u}`)}</li>`)}
            </ul>
          </div>`:o`<p class="muted">${e("no_problems")}</p>`}
    `}renderCameras(t){let e=this.t,i=t.status==="pending";return t.cameras.length?o`<div class="cameras">
      ${t.cameras.map(a=>o`<section class="card camera" data-camera=${a.camera_id}>
          <div class="row camera-head">
            ${i?o`<label class="include"
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
            .windowStart=${y(t.start)}
            .windowEnd=${y(t.end)}
            .trimStart=${i?this.trimStart:y(t.start)}
            .trimEnd=${i?this.trimEnd:y(t.end)}
          ></dv-player>
        </section>`)}
    </div>`:o`<p class="muted">${e("no_cameras")}</p>`}renderDecision(t){let e=this.t,i=y(t.start),a=Math.round((y(t.end)-i)/1e3),n=this.preview,l=this.chosenCameras.length===0,h=this.selection();return o`
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
              .value=${String(Math.round((this.trimStart-i)/1e3))}
              @input=${u=>this.onTrim("start",u)}
            />
            <span class="trim-time" title=${P(F(this.trimStart))}
              >${C(this.hass,F(this.trimStart))}</span
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
              .value=${String(Math.round((this.trimEnd-i)/1e3))}
              @input=${u=>this.onTrim("end",u)}
            />
            <span class="trim-time" title=${P(F(this.trimEnd))}
              >${C(this.hass,F(this.trimEnd))}</span
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
              @change=${u=>{this.includeAudio=u.target.checked,this.schedulePreview()}}
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
              @input=${u=>this.hours=u.target.value}
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
              @input=${u=>this.maxDownloads=u.target.value}
          /></label>
        </div>
        <dv-redaction-choice
          .hass=${this.hass}
          .t=${e}
          .requestId=${this.requestId}
          .cameras=${this.chosenFootage}
          .start=${h.start}
          .end=${h.end}
          .disabled=${this.busy}
          @dv-redaction=${u=>{this.redaction=u.detail.redaction,this.schedulePreview()}}
        ></dv-redaction-choice>
        <div class="preview" aria-busy=${this.previewing?"true":"false"}>
          <h3>${e("preview_heading")}</h3>
          ${this.previewError?o`<p class="error">${this.previewError}</p>`:c}
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
                    ${n.files.map(u=>o`<tr>
                        <td class="file-name">${u.name}</td>
                        <td>
                          ${u.camera}
                          ${u.redaction&&u.redaction!=="originals"?o`<span class="badge redacted" data-redaction=${u.redaction}
                                >${e(`mode_${u.redaction}`)}</span
                              >`:c}
                        </td>
                        <td>${G(u.duration_s)}</td>
                        <td>${mt(this.hass,u.bytes)}</td>
                      </tr>`)}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th colspan="3">${e("preview_total",{count:n.files.length})}</th>
                      <th>${mt(this.hass,n.total_bytes)}</th>
                    </tr>
                  </tfoot>
                </table>
              </div>`:o`<p class="muted">${this.previewing?e("loading"):""}</p>`}
        </div>
        <div class="row actions">
          <button
            class="primary share"
            ?disabled=${this.busy||l}
            @click=${()=>{this.doShare()}}
          >
            ${e("share")}
          </button>
          ${l?o`<span class="muted">${e("choose_a_camera")}</span>`:c}
        </div>
        ${t.progress?Yt(e,t.progress):c}
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
            @input=${u=>this.declineMessage=u.target.value}
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
    `}renderShare(t){let e=this.t,i=t.share,a=i&&!i.ended,n=i?y(i.expires)-this.now:0;return o`
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
            </div>`:c}
        ${t.progress?Yt(e,t.progress):c}
        ${i?o`<dl class="facts">
              <dt>${e("share_created")}</dt>
              <dd title=${P(i.created)}>${C(this.hass,i.created)}</dd>
              <dt>${e("share_expires")}</dt>
              <dd title=${P(i.expires)}>
                ${C(this.hass,i.expires)}
                ${a&&n>0?o`<strong class="countdown">${e("expires_in",{span:gt(this.hass,n)})}</strong>`:c}
              </dd>
              <dt>${e("share_downloads")}</dt>
              <dd class="download-count">
                ${e("downloads_of",{count:i.downloads,max:i.max_downloads})}
              </dd>
              ${i.ended?o`<dt>${e("share_ended")}</dt>
                    <dd class="share-ended" title=${P(i.ended)}>
                      ${C(this.hass,i.ended)}
                      ${i.end_reason?o`· ${e(`end_reason_${i.end_reason}`)}`:c}
                    </dd>`:c}
            </dl>
            ${i.files.length?o`<div class="table-wrap">
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
                      ${i.files.map(l=>o`<tr>
                          <td>${l.name}</td>
                          <td>${l.camera}</td>
                          <td>${mt(this.hass,l.bytes)}</td>
                          <td class="hash" title=${l.sha256}>${l.sha256.slice(0,12)}…</td>
                        </tr>`)}
                    </tbody>
                  </table>
                </div>`:c}`:c}
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
                  ${t.downloads.map(l=>o`<tr>
                      <td title=${P(l.at)}>${C(this.hass,l.at)}</td>
                      <td title=${l.user_agent??""}>${l.remote}</td>
                      <td>${mt(this.hass,l.bytes)}</td>
                      <td>${l.completed?e("yes"):e("no")}</td>
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
            </div>`:c}
      </section>
    `}render(){let t=this.t,e=this.detail;return o`
      <a class="back" href=${U} @click=${this.back}>← ${t("back_to_inbox")}</a>
      ${this.error?o`<p class="error">${this.error}</p>`:c}
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
                ${this.actionError?o`<p class="card error action-error">${this.actionError}</p>`:c}
                ${e.status==="pending"?this.renderDecision(e):c}
                ${e.share||this.shareResult||e.downloads.length||e.status==="shared"?this.renderShare(e):c}
              </div>
            </div>
          `:this.error?c:o`<p class="muted">${t("loading")}</p>`}
    `}};b.styles=[w,St,Et,it,v`
      .back {
        display: inline-block;
        margin-bottom: 12px;
        color: var(--dv-accent);
        text-decoration: none;
        padding: 8px 0;
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
      label.include {
        display: flex;
        gap: 8px;
        align-items: center;
        min-height: 40px;
      }
      input[type="checkbox"] {
        width: 20px;
        height: 20px;
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
      .progress progress {
        width: 100%;
      }
      .progress p {
        margin: 8px 0 4px;
      }
      .shared h3 {
        margin-top: 16px;
      }
      @media (max-width: 500px) {
        .actions button {
          flex: 1 1 100%;
        }
      }
    `],d([g({attribute:!1})],b.prototype,"hass",2),d([g({attribute:!1})],b.prototype,"t",2),d([g({attribute:!1})],b.prototype,"requestId",2),d([g({attribute:!1})],b.prototype,"change",2),d([g({type:Boolean})],b.prototype,"narrow",2),d([p()],b.prototype,"detail",2),d([p()],b.prototype,"error",2),d([p()],b.prototype,"actionError",2),d([p()],b.prototype,"busy",2),d([p()],b.prototype,"excluded",2),d([p()],b.prototype,"trimStart",2),d([p()],b.prototype,"trimEnd",2),d([p()],b.prototype,"includeAudio",2),d([p()],b.prototype,"redaction",2),d([p()],b.prototype,"hours",2),d([p()],b.prototype,"maxDownloads",2),d([p()],b.prototype,"preview",2),d([p()],b.prototype,"previewError",2),d([p()],b.prototype,"previewing",2),d([p()],b.prototype,"declineMessage",2),d([p()],b.prototype,"shareResult",2),d([p()],b.prototype,"copied",2),d([p()],b.prototype,"confirmRevoke",2),d([p()],b.prototype,"now",2),b=d([_("dv-request-view")],b);var je=32;function Be(r){let s=new Set(r.map(e=>e.region.id)),t=r.length+1;for(;s.has(`m${t}`);)t+=1;return`m${t}`}var A=class extends ${constructor(){super(...arguments);this.items=[];this.standing="originals";this.tool="rect";this.action="blur";this.dirty=!1;this.saving=!1;this.saved=!1;this.serial=0}willUpdate(t){t.has("cameraId")&&this.cameraId&&this.load()}load(){let t=++this.serial;this.data=void 0,this.error=void 0,At(this.hass,this.cameraId).then(e=>{t===this.serial&&this.show(e,e.masks)}).catch(e=>{t===this.serial&&(this.error=S(e))})}show(t,e){this.data={...t,masks:e},this.items=[...e.regions.map(i=>({region:i,clear:!1})),...e.clear.map(i=>({region:i,clear:!0}))],this.standing=e.standing,this.selected=void 0,this.dirty=!1}edit(t){this.items=t,this.dirty=!0,this.saved=!1}editItem(t,e){this.edit(this.items.map(i=>i.region.id===t?e(i):i))}get full(){return this.items.filter(t=>!t.clear).length>=je}onDraw(t){if(this.full)return;let e=Be(this.items),i={id:e,shape:t.detail.shape,points:t.detail.points,action:this.action};this.edit([...this.items,{region:i,clear:!1}]),this.selected=e}addRectangle(){if(this.full)return;let t=Be(this.items),e=[[.4,.4],[.6,.6]];this.edit([...this.items,{region:{id:t,shape:"rect",points:e,action:this.action},clear:!1}]),this.selected=t,this.updateComplete.then(()=>this.canvas?.shadowRoot?.querySelector(`[data-region-id="${t}"]`)?.focus())}removeRegion(t){this.edit(this.items.filter(e=>e.region.id!==t)),this.selected===t&&(this.selected=void 0)}async save(){if(!this.data)return;let t={regions:this.items.filter(e=>!e.clear).map(e=>e.region),clear:this.items.filter(e=>e.clear).map(e=>e.region),standing:this.standing};this.saving=!0,this.error=void 0;try{let e=await qe(this.hass,this.cameraId,t);this.show(this.data,e),this.saved=!0}catch(e){this.error=S(e)}finally{this.saving=!1}}name(t,e){let i=this.t,a=t.clear?i("region_clear"):i(`action_${t.region.action}`);return i("region_with_kind",{name:rt(i,t.region,e),kind:a})}renderStanding(t){let e=this.t,i=t.detector.available;return o`<fieldset class="standing">
      <legend>${e("standing_legend")}</legend>
      ${Mt(e,"standing",this.standing,a=>a==="masks_faces"&&!i&&this.standing!==a,a=>{this.standing=a,this.dirty=!0,this.saved=!1})}
      ${i?o`<p class="muted detector">
            ${e("detector_available",{name:t.detector.name,version:t.detector.version??""})}
          </p>`:o`<p class="muted detector unavailable">
            ${e("detector_unavailable",{reason:t.detector.reason??""})}
          </p>`}
      <p class="muted">${e("standing_help")}</p>
    </fieldset>`}renderList(){let t=this.t;return this.items.length?o`<ol class="regions">
      ${this.items.map((e,i)=>o`<li
          class=${e.region.id===this.selected?"selected":""}
          data-region-id=${e.region.id}
          data-kind=${e.clear?"clear":e.region.action}
        >
          <button class="pick" aria-pressed=${e.region.id===this.selected} @click=${()=>this.selected=e.region.id}>
            ${rt(t,e.region,i)}
            <span class="muted">${t(`shape_${e.region.shape}`)}</span>
          </button>
          <select
            name="action"
            aria-label=${t("region_action")}
            .value=${e.region.action}
            ?disabled=${e.clear}
            @change=${a=>this.editItem(e.region.id,n=>({...n,region:{...n.region,action:a.target.value}}))}
          >
            <option value="blur" ?selected=${e.region.action==="blur"}>${t("action_blur")}</option>
            <option value="black" ?selected=${e.region.action==="black"}>${t("action_black")}</option>
          </select>
          <button class="delete danger" @click=${()=>this.removeRegion(e.region.id)}>${t("delete")}</button>
          <label class="check keep-clear"
            ><input
              type="checkbox"
              name="keep-clear"
              .checked=${e.clear}
              @change=${a=>this.editItem(e.region.id,n=>({...n,clear:a.target.checked}))}
            />
            ${t("region_keep_clear")}</label
          >
        </li>`)}
    </ol>`:o`<p class="muted no-regions">${t("no_regions")}</p>`}render(){let t=this.t,e=this.data;if(!e)return this.error?o`<p class="card error">${this.error}</p>`:o`<p class="muted">${t("loading")}</p>`;let i=this.items.map((n,l)=>({id:n.region.id,shape:n.region.shape,points:n.region.points,kind:n.clear?"clear":n.region.action,name:this.name(n,l)})),a=e.still;return o`<section class="card masks-editor" data-camera=${e.camera_id}>
      <h2>${t("masks_of",{camera:e.name})}</h2>
      <p class="muted">${t("masks_help")}</p>
      <div class="row toolbar" role="toolbar" aria-label=${t("masks_tools")}>
        <button class="tool-rect" aria-pressed=${this.tool==="rect"} @click=${()=>this.pick("rect")}>
          ${t("tool_rect")}
        </button>
        <button class="tool-polygon" aria-pressed=${this.tool==="polygon"} @click=${()=>this.pick("polygon")}>
          ${t("tool_polygon")}
        </button>
        <label
          >${t("new_region_action")}
          <select
            name="new-action"
            .value=${this.action}
            @change=${n=>this.action=n.target.value}
          >
            <option value="blur">${t("action_blur")}</option>
            <option value="black">${t("action_black")}</option>
          </select></label
        >
        <button class="add-rect" ?disabled=${this.full} @click=${()=>this.addRectangle()}>
          ${t("add_rectangle")}
        </button>
      </div>
      ${this.full?o`<p class="muted masks-full" role="status">${t("masks_full",{max:je})}</p>`:c}
      ${a?.url?c:o`<p class="muted no-still">${t("no_still")}</p>`}
      <div class="layout">
        <dv-region-canvas
          .t=${t}
          .src=${a?.url??""}
          .aspect=${Ct(a)}
          .regions=${i}
          .selected=${this.selected}
          .tool=${this.tool}
          .label=${t("canvas_label",{camera:e.name})}
          @dv-draw=${this.onDraw}
          @dv-select=${n=>this.selected=n.detail.id}
          @dv-change=${n=>this.editItem(n.detail.id,l=>({...l,region:{...l.region,points:n.detail.points}}))}
          @dv-delete=${n=>this.removeRegion(n.detail.id)}
        ></dv-region-canvas>
        <div class="side">
          ${this.renderList()} ${this.renderStanding(e)}
          <div class="row actions">
            <button class="primary save" ?disabled=${this.saving||!this.dirty} @click=${()=>{this.save()}}>
              ${t("save_masks")}
            </button>
            ${this.dirty?o`<span class="muted unsaved">${t("unsaved")}</span>`:c}
            ${this.saved?o`<span class="saved" role="status">${t("masks_saved")}</span>`:c}
          </div>
          ${this.error?o`<p class="error save-error" role="alert">${this.error}</p>`:c}
        </div>
      </div>
    </section>`}pick(t){this.canvas?.cancel(),this.tool=t}};A.styles=[w,Et,it,v`
      .toolbar {
        margin-bottom: 8px;
      }
      ol.regions li .check {
        flex: 1 1 100%;
      }
      .toolbar label {
        display: flex;
        gap: 6px;
        align-items: center;
      }
      ol.regions {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      ol.regions li {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        padding: 6px;
        border-bottom: 1px solid var(--dv-border);
      }
      ol.regions li.selected {
        background: var(--secondary-background-color, #f3f3f3);
      }
      ol.regions .pick {
        flex: 1 1 10em;
        text-align: left;
        border: none;
        background: none;
      }
      fieldset {
        margin: 12px 0;
      }
      .saved {
        color: var(--dv-success);
      }
    `],d([g({attribute:!1})],A.prototype,"hass",2),d([g({attribute:!1})],A.prototype,"t",2),d([g({attribute:!1})],A.prototype,"cameraId",2),d([p()],A.prototype,"data",2),d([p()],A.prototype,"items",2),d([p()],A.prototype,"standing",2),d([p()],A.prototype,"selected",2),d([p()],A.prototype,"tool",2),d([p()],A.prototype,"action",2),d([p()],A.prototype,"dirty",2),d([p()],A.prototype,"saving",2),d([p()],A.prototype,"saved",2),d([p()],A.prototype,"error",2),d([wt("dv-region-canvas")],A.prototype,"canvas",2),A=d([_("dv-masks-editor")],A);var I=class extends ${connectedCallback(){super.connectedCallback(),Ue(this.hass).then(s=>this.cameras=s).catch(s=>this.error=S(s))}go(s,t){s.preventDefault(),L(et(t),!0)}render(){let s=this.t;if(this.error)return o`<p class="card error">${this.error}</p>`;if(!this.cameras)return o`<p class="muted">${s("loading")}</p>`;if(!this.cameras.length)return o`<p class="muted">${s("no_cameras")}</p>`;let t=this.cameras.find(e=>e.camera_id===this.cameraId)??this.cameras[0];return o`
      <p class="muted intro">${s("masks_intro")}</p>
      ${this.cameras.length>1?o`<nav class="row cameras" aria-label=${s("masks_cameras")}>
            ${this.cameras.map(e=>o`<a
                href=${et(e.camera_id)}
                class=${e===t?"active":""}
                aria-current=${e===t?"page":"false"}
                data-camera=${e.camera_id}
                @click=${i=>this.go(i,e.camera_id)}
                >${e.name}</a
              >`)}
          </nav>`:c}
      <dv-masks-editor .hass=${this.hass} .t=${s} .cameraId=${t.camera_id}></dv-masks-editor>
    `}};I.styles=[w,v`
      .intro {
        margin-top: 0;
      }
      nav.cameras {
        margin-bottom: 12px;
      }
      nav.cameras a {
        padding: 8px 14px;
        border-radius: 999px;
        border: 1px solid var(--dv-border);
        color: inherit;
        text-decoration: none;
      }
      nav.cameras a.active {
        border-color: var(--dv-accent);
        color: var(--dv-accent);
        font-weight: 500;
      }
    `],d([g({attribute:!1})],I.prototype,"hass",2),d([g({attribute:!1})],I.prototype,"t",2),d([g({attribute:!1})],I.prototype,"cameraId",2),d([p()],I.prototype,"cameras",2),d([p()],I.prototype,"error",2),I=d([_("dv-masks-view")],I);async function vt(r,s,t){let e=await kt(r,s,300),i=document.createElement("a");return i.href=e,t?i.download=t:i.download="",document.body.appendChild(i),i.click(),i.remove(),e}var H=class extends ${constructor(){super(...arguments);this.busy=!1}connectedCallback(){super.connectedCallback(),this.key||this.loadKey()}async loadKey(){try{this.key=await Ae(this.hass),this.keyError=void 0}catch(t){this.keyError=S(t)}}async verify(){this.busy=!0,this.error=void 0;try{this.result=await Ee(this.hass)}catch(t){this.error=S(t)}finally{this.busy=!1}}async export(){this.busy=!0,this.error=void 0;try{this.exported=await Me(this.hass),await vt(this.hass,this.exported.url)}catch(t){this.error=S(t)}finally{this.busy=!1}}render(){let t=this.t,e=this.result,i=this.key?.fingerprint;return o`
      <section class="card key" data-loaded=${String(!!i)}>
        <h2>${t("fingerprint_heading")}</h2>
        <p><strong>${t("fingerprint_give_once")}</strong></p>
        <p class="muted">${t("fingerprint_help")}</p>
        ${i?o`<p class="hash fingerprint-hex" aria-label=${t("fingerprint_hex")}>${i.hex}</p>
              <p class="fingerprint-words" aria-label=${t("fingerprint_words")}>${i.words}</p>`:this.keyError?o`<p class="error">${this.keyError}</p>`:this.key?o`<p class="muted">${t("fingerprint_none")}</p>`:c}
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
        ${this.error?o`<p class="error">${this.error}</p>`:c}
        ${e?o`<div class="result ${e.ok?"ok":"bad"}" data-ok=${String(e.ok)}>
              <p>
                <strong>${e.ok?t("audit_ok"):t("audit_broken")}</strong>
                ${t("audit_entries",{count:z(this.hass,e.entries)})}
              </p>
              ${e.head?o`<p class="hash">${t("audit_head")}: ${e.head}</p>`:c}
              ${e.problem?o`<p class="problem">
                    ${t("audit_problem",{seq:e.problem.seq,kind:e.problem.kind,reason:e.problem.reason})}
                  </p>`:c}
            </div>`:c}
        ${this.exported?o`<p class="muted exported">
              ${t("audit_exported",{path:this.exported.path,count:this.exported.entries})}
            </p>`:c}
      </section>
    `}};H.styles=[w,v`
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
    `],d([g({attribute:!1})],H.prototype,"hass",2),d([g({attribute:!1})],H.prototype,"t",2),d([p()],H.prototype,"result",2),d([p()],H.prototype,"exported",2),d([p()],H.prototype,"error",2),d([p()],H.prototype,"busy",2),d([p()],H.prototype,"key",2),d([p()],H.prototype,"keyError",2),H=d([_("dv-audit-view")],H);var gs={pending:"var(--dv-warning)",shared:"var(--dv-accent)",declined:"var(--dv-error)",rejected:"#8e24aa",expired:"#9e9e9e",withdrawn:"#6d4c41",revoked:"#ef6c00"};function ze(r){return typeof r=="number"?r:0}function Ht(r){return gs[r]??"#607d8b"}var W=class extends ${connectedCallback(){super.connectedCallback(),Pe(this.hass).then(s=>this.report=s).catch(s=>this.error=S(s))}months(s){let t=this.t,e=s.by_month,i=Object.keys(s.by_outcome),a=e.map(m=>i.reduce((x,E)=>x+ze(m[E]),0)),n=Math.max(1,...a),l=28,h=12,u=160,f=Math.max(200,e.length*(l+h)+h);return o`
      <div class="chart-scroll">
        <svg class="months" viewBox="0 0 ${f} ${u+24}" width=${f} height=${u+24} role="img"
          aria-label=${t("chart_by_month")}>
          ${e.map((m,x)=>{let E=u,j=h+x*(l+h);return q`<g>
              ${i.map(Ot=>{let qt=ze(m[Ot]),ee=qt/n*(u-8);return E-=ee,qt?q`<rect x=${j} y=${E} width=${l} height=${ee} fill=${Ht(Ot)}><title>${m.month}: ${t(`status_${Ot}`)} ${qt}</title></rect>`:c})}
              <text x=${j+l/2} y=${u+16} text-anchor="middle" class="axis">${m.month.slice(2)}</text>
            </g>`})}
        </svg>
      </div>
      <div class="legend">
        ${i.map(m=>o`<span><i style="background:${Ht(m)}"></i>${t(`status_${m}`)}</span>`)}
      </div>
    `}bars(s,t,e){let i=Object.entries(s).sort((n,l)=>l[1]-n[1]),a=Math.max(1,...i.map(([,n])=>n));return i.length?o`<ul class="bars">
      ${i.map(([n,l])=>o`<li>
          <span class="bar-label">${t(n)}</span>
          <span class="bar-track"
            ><span
              class="bar"
              style="width:${l/a*100}%;background:${e?e(n):"var(--dv-accent)"}"
            ></span
          ></span>
          <span class="bar-value">${z(this.hass,l)}</span>
        </li>`)}
    </ul>`:o`<p class="muted">${this.t("no_data")}</p>`}stacked(s){let t=Object.entries(s).sort((i,a)=>(a[1].total??0)-(i[1].total??0)),e=Math.max(1,...t.map(([,i])=>i.total??0));return t.length?o`<ul class="bars">
      ${t.map(([i,a])=>o`<li>
          <span class="bar-label" title=${i}>${i}</span>
          <span class="bar-track stack"
            >${Object.entries(a).filter(([n,l])=>n!=="total"&&l>0).map(([n,l])=>o`<span
                    class="bar"
                    title="${this.t(`status_${n}`)}: ${l}"
                    style="width:${l/e*100}%;background:${Ht(n)}"
                  ></span>`)}</span
          >
          <span class="bar-value">${z(this.hass,a.total??0)}</span>
        </li>`)}
    </ul>`:o`<p class="muted">${this.t("no_data")}</p>`}render(){let s=this.t,t=this.report;return this.error?o`<p class="error">${this.error}</p>`:t?o`
      <section class="card figures">
        <div class="figure">
          <span class="value">${t.median_minutes_to_decision===null?"—":z(this.hass,t.median_minutes_to_decision,1)}</span>
          <span class="muted">${s("median_minutes")}</span>
        </div>
        <div class="figure">
          <span class="value">${z(this.hass,t.minutes_shared,1)}</span>
          <span class="muted">${s("minutes_shared")}</span>
        </div>
        <div class="figure">
          <span class="value">${z(this.hass,t.downloads)}</span>
          <span class="muted">${s("downloads_total")}</span>
        </div>
        <div class="row downloads">
          <button @click=${()=>{vt(this.hass,t.markdown_url)}}>${s("download_markdown")}</button>
          <button @click=${()=>{vt(this.hass,t.csv_url)}}>${s("download_csv")}</button>
        </div>
      </section>
      <section class="card">
        <h2>${s("chart_by_month")}</h2>
        ${t.by_month.length?this.months(t):o`<p class="muted">${s("no_data")}</p>`}
      </section>
      <div class="grid">
        <section class="card">
          <h2>${s("chart_by_outcome")}</h2>
          ${this.bars(t.by_outcome,e=>s(`status_${e}`),Ht)}
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
    `:o`<p class="muted">${s("loading")}</p>`}};W.styles=[w,v`
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
    `],d([g({attribute:!1})],W.prototype,"hass",2),d([g({attribute:!1})],W.prototype,"t",2),d([p()],W.prototype,"report",2),d([p()],W.prototype,"error",2),W=d([_("dv-transparency-view")],W);var O=class extends ${constructor(){super(...arguments);this.narrow=!1;this.serial=0}connectedCallback(){super.connectedCallback(),performance.mark("doorbell-vault:panel-connected"),this.hass&&this.subscribe()}disconnectedCallback(){super.disconnectedCallback();let t=this.unsubscribe;this.unsubscribe=void 0,t&&t.then(e=>e()).catch(()=>{})}willUpdate(t){t.has("hass")&&this.hass&&(this.hass.language!==this.language&&(this.language=this.hass.language,Re(this.hass).then(e=>{this.t=Xt(e)}).catch(e=>{this.loadError=String(e),this.t=Xt({})})),!this.unsubscribe&&this.isConnected&&this.subscribe())}subscribe(){!this.hass||this.unsubscribe||(this.unsubscribe=Se(this.hass,t=>{this.serial+=1,this.change={request:t,serial:this.serial}}),this.unsubscribe.catch(t=>{this.unsubscribe=void 0,this.loadError=String(t.message??t)}))}get view(){let e=(this.route?.path??"").split("/").filter(Boolean);return e[0]==="request"&&e[1]?{tab:"inbox",requestId:decodeURIComponent(e[1])}:e[0]==="masks"?{tab:"masks",cameraId:e[1]&&decodeURIComponent(e[1])}:e[0]==="audit"?{tab:"audit"}:e[0]==="transparency"?{tab:"transparency"}:{tab:"inbox"}}go(t,e){t.preventDefault(),L(`${U}${e}`)}render(){if(!this.hass||!this.t)return o`<div class="loading"></div>`;let t=this.t,e=this.view,i=[["inbox","",t("tab_inbox")],["masks","/masks",t("tab_masks")],["audit","/audit",t("tab_audit")],["transparency","/transparency",t("tab_transparency")]];return o`
      <header class="toolbar">
        <ha-menu-button .hass=${this.hass} .narrow=${this.narrow}></ha-menu-button>
        <div class="title">${t("title")}</div>
      </header>
      <nav class="tabs" aria-label=${t("title")}>
        ${i.map(([a,n,l])=>o`<a
            href="${U}${n}"
            class=${e.tab===a&&!(a==="inbox"&&e.requestId)?"active":""}
            aria-current=${e.tab===a?"page":"false"}
            @click=${h=>this.go(h,n)}
            >${l}</a
          >`)}
      </nav>
      <main>
        ${this.loadError?o`<p class="error">${this.loadError}</p>`:c}
        ${e.requestId?o`<dv-request-view
              .hass=${this.hass}
              .t=${t}
              .requestId=${e.requestId}
              .change=${this.change}
              .narrow=${this.narrow}
            ></dv-request-view>`:e.tab==="masks"?o`<dv-masks-view .hass=${this.hass} .t=${t} .cameraId=${e.cameraId}></dv-masks-view>`:e.tab==="audit"?o`<dv-audit-view .hass=${this.hass} .t=${t}></dv-audit-view>`:e.tab==="transparency"?o`<dv-transparency-view .hass=${this.hass} .t=${t}></dv-transparency-view>`:o`<dv-inbox .hass=${this.hass} .t=${t} .change=${this.change}></dv-inbox>`}
      </main>
    `}};O.styles=[w,v`
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
    `],d([g({attribute:!1})],O.prototype,"hass",2),d([g({type:Boolean,reflect:!0})],O.prototype,"narrow",2),d([g({attribute:!1})],O.prototype,"route",2),d([g({attribute:!1})],O.prototype,"panel",2),d([p()],O.prototype,"t",2),d([p()],O.prototype,"change",2),d([p()],O.prototype,"loadError",2),O=d([_("doorbell-vault-panel")],O);export{O as DoorbellVaultPanel};
